"""Run the benchmarks in bench/ and write their figures to BENCHMARKS.md.

Convention for a benchmark script `bench/<name>.py` (files starting with `_` are helpers):
- run as `python bench/<name>.py [ARGS]` from the repository root, with the caller's
  environment (DATABASE_URL / REDIS_URL unset: SQLite; set: PostgreSQL + Redis);
- it prints one Markdown section to stdout, starting with a `## Title` line, and its
  progress to stderr; it never passes or fails on time (exit status 0 unless it broke).

This runner adds the machine, the date and the command under each section's title and
puts the section between markers named after the script, the database and the arguments,
replacing that section on a re-run and keeping everything else in BENCHMARKS.md (other
scripts' sections, other databases, notes written by hand).

Usage: python bench/run_all.py            every script, no arguments
       python bench/run_all.py web -- --projects 1000 --days 30   one script with arguments
"""

import argparse
import datetime as dt
import os
import platform
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
OUTPUT = ROOT / "BENCHMARKS.md"
PREAMBLE = """# Benchmarks

Figures printed by the scripts in `bench/` and collected by `make bench` (`bench/run_all.py`).
Each section says the machine, the date and the command that produced it. Benchmarks print
figures; they never pass or fail on time.
"""


def scripts() -> list[str]:
    return sorted(p.stem for p in BENCH_DIR.glob("*.py") if not p.name.startswith("_") and p.name != "run_all.py")


def database_label() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url or url.startswith("sqlite"):
        return "sqlite"
    return "postgresql+redis" if os.environ.get("REDIS_URL") else "postgresql"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        memory = "unknown memory"
    return f"{os.cpu_count()} CPUs ({cpu}), {memory}, Python {platform.python_version()}, {platform.system()}"


def section_key(name: str, args: list[str]) -> str:
    key = f"{name}:{database_label()}"
    return f"{key}:{' '.join(args)}" if args else key


def as_section(name: str, args: list[str], returncode: int, output: str) -> str:
    """A script's output as one Markdown section: its own, or its plain text under a title."""
    if returncode != 0:
        return f"## bench/{name}.py\n\nFailed (exit status {returncode}); its output:\n\n```\n{output[-4000:]}\n```"
    if output.startswith("## "):
        return output
    # Scripts that print plain figures: shown as printed, under the command that ran them.
    command = shlex.join(["python", f"bench/{name}.py", *args])
    return f"## bench/{name}.py\n\n```\n$ {command}\n{output}\n```"


def run_script(name: str, args: list[str], command: str) -> tuple[str, int]:
    print(f"== bench/{name}.py {' '.join(args)} ({database_label()})", file=sys.stderr, flush=True)
    # Each script chooses its own settings; the checkout's .env (debug on) must not change them.
    env = {**os.environ, "MLTOP_READ_DOTENV": "false"}
    result = subprocess.run(
        [sys.executable, str(BENCH_DIR / f"{name}.py"), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    body = as_section(name, args, result.returncode, result.stdout.strip())
    title, _, rest = body.partition("\n")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta = f"*{now} · database: {database_label()} · command: `{command}` · machine: {machine()}*"
    return f"{title}\n\n{meta}\n{rest}\n", result.returncode


def merge(document: str, key: str, section: str) -> str:
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n{section.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(document):
        return pattern.sub(lambda _: block, document)
    return f"{document.rstrip()}\n\n{block}\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", help="one script (default: all of them)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments for that script, after --")
    options = parser.parse_args(argv)
    args = [a for a in options.args if a != "--"] if options.name else []
    names = [options.name] if options.name else scripts()
    if options.name and options.name not in scripts():
        parser.error(f"no benchmark bench/{options.name}.py; there are: {', '.join(scripts())}")
    command = os.environ.get("BENCH_COMMAND") or shlex.join(["python", "bench/run_all.py", *(argv or sys.argv[1:])])

    document = OUTPUT.read_text() if OUTPUT.exists() else PREAMBLE
    failures = 0
    for name in names:
        section, status = run_script(name, args, command)
        failures += status != 0
        document = merge(document, section_key(name, args), section)
        OUTPUT.write_text(document.rstrip() + "\n")  # after each script, so a later failure loses nothing
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(names)} benchmark(s), {failures} failed)", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
