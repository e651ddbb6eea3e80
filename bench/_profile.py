"""Where a request's time goes: URLs through Django's WSGI handler, timed and profiled with pyinstrument.

A helper for reading the web benchmark's figures, not a benchmark (run_all.py skips `_` files).
It runs in one process with the production middleware stack against a benchmark database
built by bench/web.py, without gunicorn or sockets, so the per-request times it prints are
the application's own cost. Each URL is requested once unmeasured (so "warm" means cached),
then --repeat times timed; --profile prints pyinstrument's call tree for the timed requests.

  DATABASE_URL=sqlite:///var/bench/web-10000.sqlite3 [REDIS_URL=...] \
      python bench/_profile.py /livez / /api/rankings/current/ [--repeat 2000] [--profile /]
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def environ_for(path: str, client: int) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        # Many readers behind one proxy, as the web benchmark simulates.
        "HTTP_X_FORWARDED_FOR": f"10.{client >> 16 & 255}.{client >> 8 & 255}.{client & 255}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--profile", help="one of the paths: print its pyinstrument call tree")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltop.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("API_NUM_PROXIES", "1")
    # Without Redis, a cache folder of the run's own: never var/cache, which another database's pages may hold.
    os.environ.setdefault("DJANGO_CACHE_DIR", tempfile.mkdtemp(prefix="mltop-bench-cache-"))
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    client = 0

    def request(path: str) -> str:
        nonlocal client
        client += 1
        status = []
        body = application(environ_for(path, client), lambda s, h, *a: status.append(s))
        b"".join(body)
        body.close()
        return status[0]

    for path in options.paths:
        status = request(path)
        started = time.perf_counter()
        for _ in range(options.repeat):
            request(path)
        elapsed = time.perf_counter() - started
        print(f"{path:60} {status:8} {1000 * elapsed / options.repeat:7.3f} ms/request")
    if options.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        with profiler:
            for _ in range(options.repeat):
                request(options.profile)
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
