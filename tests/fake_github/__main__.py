"""Run the fake GitHub in its own process: python -m tests.fake_github --repos 100 --port 8301."""

import argparse
import time

from . import FakeGitHub, synthetic_repos


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--repos", type=int, default=100, help="synthetic repositories to serve")
    parser.add_argument("--limit", type=int, default=5000, help="requests per hour per resource")
    args = parser.parse_args()
    fake = FakeGitHub(core_limit=args.limit, graphql_limit=args.limit)
    synthetic_repos(fake, args.repos)
    fake.start(args.port)
    print(f"Fake GitHub with {args.repos} repositories on {fake.url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
