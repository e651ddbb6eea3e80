"""The benchmark harness's own logic (no load is generated here): BENCHMARKS.md merging and wrk parsing."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent.parent / "bench"


def load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run_all():
    return load("run_all")


def test_discovers_every_script_but_helpers_and_itself(run_all):
    names = run_all.scripts()
    assert "web" in names
    assert "run_all" not in names and not any(name.startswith("_") for name in names)


def test_merge_replaces_its_own_section_and_keeps_the_rest(run_all):
    document = run_all.PREAMBLE + "\nA note written by hand.\n"
    document = run_all.merge(document, "refresh:sqlite", "## Refresh\n\nold refresh figures\n")
    document = run_all.merge(document, "web:sqlite", "## Web\n\nfirst run\n")
    document = run_all.merge(document, "web:postgresql+redis", "## Web\n\npostgres run\n")
    document = run_all.merge(document, "web:sqlite", "## Web\n\nsecond run\n")
    assert "A note written by hand." in document
    assert "old refresh figures" in document and "postgres run" in document
    assert "second run" in document and "first run" not in document
    assert document.count("<!-- bench:web:sqlite -->") == 1
    # The re-run stays where the first one was: before the PostgreSQL section.
    assert document.index("second run") < document.index("postgres run")


def test_section_key_names_the_database_and_arguments(run_all, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert run_all.section_key("web", []) == "web:sqlite"
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert run_all.section_key("web", ["--projects", "100"]) == "web:postgresql+redis:--projects 100"


WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  30.00ms   90.00%
    Req/Sec     2.60k   100.00    2.80k    70.00%
  Latency Distribution
     50%  850.00us
     75%    3.50ms
     90%    4.00ms
     99%    1.20s
  12990 requests in 5.00s, 2.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   2598.00
Transfer/sec:    400.00KB
"""


def test_parse_wrk():
    result = load("web").parse_wrk(WRK_OUTPUT)
    assert result.rps == 2598.0
    assert result.p50 == pytest.approx(0.85)
    assert result.p99 == pytest.approx(1200.0)
    assert result.requests == 12990
    assert result.errors == 7


def test_plain_output_becomes_a_section_and_failures_say_so(run_all):
    plain = run_all.as_section("api", ["--requests", "5"], 0, "database: sqlite\n  20  /api/  1.0")
    assert plain.startswith("## bench/api.py\n") and "$ python bench/api.py --requests 5" in plain
    assert "Failed" not in plain and "database: sqlite" in plain
    own = run_all.as_section("web", [], 0, "## Web\n\ntable")
    assert own == "## Web\n\ntable"
    failed = run_all.as_section("web", [], 2, "Traceback ...")
    assert failed.startswith("## bench/web.py\n\nFailed (exit status 2)") and "Traceback" in failed


def test_a_run_counts_only_when_every_worker_holds_its_share_of_the_connections():
    web = load("web")
    assert web.is_balanced([4, 4], connections=8, workers=2)
    assert web.is_balanced([2, 6], connections=8, workers=2)
    assert not web.is_balanced([1, 7], connections=8, workers=2)
    assert not web.is_balanced([8], connections=8, workers=2)  # the other worker holds none
    assert not web.is_balanced([], connections=8, workers=2)
