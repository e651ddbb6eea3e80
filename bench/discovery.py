"""Benchmark of discovery: prints figures, never passes or fails on time.

    .venv/bin/python bench/discovery.py                  # GitHub's limit with a token: 30 searches a minute
    .venv/bin/python bench/discovery.py --per-minute 600 # the same run, quicker

Builds a synthetic world of repositories (default 10,000; seeded, so every run sees the same
world) and serves it from the fake GitHub API in a separate process over loopback HTTP,
with GitHub's search rules (1,000 results per search, the per-minute search bucket, 256
characters, forks left out by default). In the month searched, more than 1,000 ML
repositories are created, so no single topic search returns them all, among noise:
curated lists and tutorials carrying ML topics (English and Chinese), forks, archived
repositories, mirrors, templates, non-ML repositories, and repositories created outside
the month. Then it runs ``discover`` over the month with the default rules (``seed``'s)
in a fresh database, twice, and prints: searches made, searches refused (rate or
validation), wall time, candidates, recall against the world's truth (new ML repositories
with at least 100 stars) and the share of candidates that are not ML projects.
"""

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MONTH_START = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
MONTH_DAYS = 31

ML_TOPICS = [
    ("machine-learning", 30), ("deep-learning", 25), ("llm", 30), ("artificial-intelligence", 12), ("ai", 20),
    ("pytorch", 15), ("large-language-models", 10), ("nlp", 8), ("computer-vision", 8), ("python", 25),
    ("transformers", 6), ("generative-ai", 8), ("rag", 8), ("ai-agents", 8), ("diffusion-models", 4),
    ("reinforcement-learning", 4), ("object-detection", 4), ("speech-recognition", 2), ("langchain", 5),
    ("openai", 6), ("chatgpt", 5), ("mcp", 5), ("ollama", 3), ("stable-diffusion", 3), ("yolo", 2),
]  # fmt: skip
ML_WORDS = ["LLM", "agent", "RAG", "diffusion", "vision", "speech", "transformer", "embedding", "inference"]
ML_DESCRIPTIONS = [
    "A PyTorch implementation of {w} models",
    "Fast {w} inference engine",
    "Open-source {w} framework for large language model apps",
    "Deep learning toolkit for {w}",
    "{w} with reinforcement learning",
    "Machine learning pipeline for {w}",
    "Neural network library for {w}",
]
HIDDEN_DESCRIPTIONS = ["Fine-tune Mistral with QLoRA on one GPU", "Qwen2-VL served over gRPC"]  # no topic, no keyword
NON_ML_TOPICS = ["javascript", "react", "rust", "cli", "docker", "kubernetes", "game", "web", "css", "golang", "api"]
NON_ML_DESCRIPTIONS = [
    "A fast web framework",
    "Terminal UI for git",
    "Dotfiles and shell scripts",
    "Kubernetes operator for backups",
    "A 2D platformer game",
    "Static site generator",
]
LOOK_ALIKES = [
    ("awesome-{w}", "A curated list of {w} resources", ["awesome", "llm"]),
    ("awesome-{w}-papers", "Awesome {w} papers", ["machine-learning"]),
    ("{w}-course", "Course to get into large language models", ["llm", "deep-learning"]),
    ("{w}-tutorials", "Deep learning tutorials for beginners", ["deep-learning", "pytorch"]),
    ("{w}-interview-questions", "Machine learning interview questions", ["machine-learning"]),
    ("{w}-roadmap", "AI engineer roadmap 2024", ["ai", "llm"]),
    ("{w}-notes", "My notes on deep learning", ["deep-learning"]),
    ("{w}-zh", "大模型学习资料整理", ["llm"]),
    ("{w}-cn", "深度学习教程（中文版）", ["deep-learning"]),
    ("{w}-papers", "Reading list of LLM agent papers", ["llm", "ai-agents"]),
    ("{w}-cheatsheet", "PyTorch cheatsheet", ["pytorch"]),
    ("ml-{w}-guide", "A practical guide to RAG", ["rag"]),
]


def _weighted(rng: random.Random, choices):
    names, weights = zip(*choices, strict=True)
    return rng.choices(names, weights=weights)[0]


def _stars(rng: random.Random) -> int:
    return int(rng.lognormvariate(4.2, 1.5))


def _moment(rng: random.Random, *, inside: bool) -> str:
    if inside:
        when = MONTH_START + dt.timedelta(seconds=rng.randrange(MONTH_DAYS * 86400))
    else:
        offset = rng.choice([-1, 1]) * (rng.randrange(1, 60 * 86400))
        when = (MONTH_START if offset < 0 else MONTH_START + dt.timedelta(days=MONTH_DAYS)) + dt.timedelta(
            seconds=offset
        )
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_world(fake, *, size: int, seed: int) -> dict:
    """Add ``size`` repositories to ``fake``; returns the truth: ids of ML projects created in the month."""
    rng = random.Random(seed)
    truth, kinds = set(), {}
    counts = {"ml": int(size * 0.30), "hidden": int(size * 0.005), "lookalike": int(size * 0.05)}
    counts |= {"fork": int(size * 0.05), "archived": int(size * 0.02), "mirror": 10, "template": 30}
    counts["outside"] = int(size * 0.2)
    counts["nonml"] = size - sum(counts.values())
    n = 0

    def add(kind, name, **fields):
        nonlocal n
        n += 1
        repo = fake.add_repo(f"user{n % 997}/{name}-{n}", **fields)
        kinds[repo.id] = kind
        return repo

    for _ in range(counts["ml"]):
        word = rng.choice(ML_WORDS).lower()
        if rng.random() < 0.82:
            # A primary topic (most new ML repositories now say "llm"), then up to three more.
            primary = _weighted(rng, [("llm", 60), ("machine-learning", 20), ("deep-learning", 20)])
            topics = list(dict.fromkeys([primary] + [_weighted(rng, ML_TOPICS) for _ in range(rng.randint(0, 3))]))
        else:
            topics = []  # found by keywords in the description only
        description = rng.choice(ML_DESCRIPTIONS).format(w=word.upper() if word == "llm" else word)
        repo = add(
            "ml",
            f"{word}-kit",
            stars=_stars(rng),
            topics=topics,
            description=description,
            created_at=_moment(rng, inside=True),
        )
        truth.add(repo.id)
    for _ in range(counts["hidden"]):
        repo = add(
            "ml",
            "tuner",
            stars=_stars(rng),
            description=rng.choice(HIDDEN_DESCRIPTIONS),
            created_at=_moment(rng, inside=True),
        )
        truth.add(repo.id)
    for _ in range(counts["lookalike"]):
        name, description, topics = rng.choice(LOOK_ALIKES)
        word = rng.choice(["llm", "ml", "dl", "agents", "rag"])
        add(
            "list or tutorial",
            name.format(w=word),
            stars=_stars(rng) * 3,
            description=description.format(w=word.upper()),
            topics=topics,
            created_at=_moment(rng, inside=True),
        )
    for kind, extra in (
        ("fork", {"fork": True}),
        ("archived", {"archived": True}),
        ("mirror", {"mirror_url": "https://git.example/mirror.git"}),
        ("template", {"is_template": True}),
    ):
        for _ in range(counts[kind]):
            add(
                kind,
                "llm-thing",
                stars=_stars(rng),
                topics=[_weighted(rng, ML_TOPICS)],
                description="Fast LLM inference",
                created_at=_moment(rng, inside=True),
                **extra,
            )
    for _ in range(counts["outside"]):
        add(
            "outside the month",
            "model",
            stars=_stars(rng),
            topics=[_weighted(rng, ML_TOPICS)],
            description="Deep learning toolkit",
            created_at=_moment(rng, inside=False),
        )
    for _ in range(counts["nonml"]):
        add("non-ML", rng.choice(["app", "tool", "site", "lib"]), stars=_stars(rng),
            topics=rng.sample(NON_ML_TOPICS, rng.randint(0, 3)), description=rng.choice(NON_ML_DESCRIPTIONS),
            created_at=_moment(rng, inside=True))  # fmt: skip
    return {"truth": truth, "kinds": kinds, "stars": {r.id: r.stars for r in fake.repos.values()}}


def serve_fake(conn, size: int, seed: int, per_minute: int) -> None:
    from tests.fake_github import FakeGitHub

    fake = FakeGitHub()
    fake.search.set_limit(authorized=True, per_minute=per_minute)
    world = build_world(fake, size=size, seed=seed)
    fake.start()
    conn.send((fake.url, world))
    while True:
        message = conn.recv()
        if message == "stats":
            with fake._lock:
                searches = [r for r in fake.requests if r.path.startswith("/search/")]
                conn.send(
                    {
                        "searches": len(searches),
                        "refused_rate": sum(r.status in (403, 429) for r in searches),
                        "refused_invalid": sum(r.status == 422 for r in searches),
                        # Searches of a window cut below GitHub's 1,000-result cap (datetime bounds).
                        "sliced": sum("+00:00.." in q for q in fake.search.queries),
                    }
                )
                fake.requests.clear()
                fake.search.queries.clear()
        elif message == "stop":
            fake.stop()
            conn.send("stopped")
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=int, default=10_000, help="repositories in the world (10000)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--per-minute", type=int, default=30, help="searches a minute GitHub allows (30, with a token)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="mltop-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
    os.environ.pop("REDIS_URL", None)
    os.environ["CELERY_BROKER_DIR"] = f"{workdir}/celery"
    os.environ["DJANGO_SETTINGS_MODULE"] = "mltop.settings"

    parent, child = multiprocessing.Pipe()
    fake = multiprocessing.Process(target=serve_fake, args=(child, args.repos, args.seed, args.per_minute), daemon=True)
    fake.start()
    api_url, world = parent.recv()
    os.environ["GITHUB_API_URL"] = api_url
    os.environ["GITHUB_TOKEN"] = "ghp_benchmarktoken"

    import django

    django.setup()
    from django.core.management import call_command

    from github.search import RepoSearch, Window
    from projects import discovery
    from projects.models import Project

    call_command("migrate", verbosity=0)
    discovery.discovery_rules_ensure_defaults()
    truth, kinds, stars = world["truth"], world["kinds"], world["stars"]
    wanted = {i for i in truth if stars[i] >= 100}
    in_month = sum(1 for k in kinds.values() if k != "outside the month")
    print(f"MLTop discovery benchmark: {len(kinds)} repositories, fake GitHub at {api_url}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(
        f"world: {in_month} created in May 2024, {len(truth)} of them ML projects ({len(wanted)} with >= 100 stars); "
        f"search limit {args.per_minute} a minute"
    )
    window = Window.days(MONTH_START.date(), (MONTH_START + dt.timedelta(days=MONTH_DAYS - 1)).date())
    for title in ("1. first run over May 2024", "2. second run over the same window"):
        started = time.perf_counter()
        summary = discovery.discovery_run(window=window, search=RepoSearch())
        elapsed = time.perf_counter() - started
        parent.send("stats")
        stats = parent.recv()
        print(title)
        print(f"  {summary.line()}")
        print(
            f"  searches sent: {stats['searches']}, refused for rate: {stats['refused_rate']}, "
            f"refused as invalid: {stats['refused_invalid']}, in windows sliced under the 1,000 cap: "
            f"{stats['sliced']}; wall time {elapsed:.1f} s"
        )
    candidates = set(Project.objects.candidates().values_list("github_id", flat=True))
    found_wanted = wanted & candidates
    false = [i for i in candidates if i not in truth]
    by_kind = {}
    for i in false:
        by_kind[kinds[i]] = by_kind.get(kinds[i], 0) + 1
    print(f"candidates: {len(candidates)}")
    recall = len(found_wanted) / len(wanted)
    print(f"recall (ML projects with >= 100 stars): {len(found_wanted)}/{len(wanted)} = {recall:.1%}")
    print(
        f"recall (all new ML projects >= 20 stars): {len(truth & candidates)}/{sum(1 for i in truth if stars[i] >= 20)}"
    )
    print(f"false candidates: {len(false)} = {len(false) / max(1, len(candidates)):.1%} {by_kind or ''}")

    parent.send("stop")
    parent.recv()
    fake.join(timeout=5)


if __name__ == "__main__":
    main()
