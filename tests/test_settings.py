import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _django_check(**env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_missing_secret_key_without_debug_is_a_clear_startup_error():
    result = _django_check()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = _django_check(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_settings_come_from_the_environment():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mltop.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.GITHUB_API_URL, s.ALLOWED_HOSTS, s.CACHES['default']['BACKEND'])"
    )
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://u@db.example:5432/mltop",
        "GITHUB_API_URL": "https://ghe.example/api/v3/",
        "DJANGO_ALLOWED_HOSTS": "mltop.example,www.mltop.example",
        "REDIS_URL": "redis://cache.example:6379/1",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert "django.db.backends.postgresql" in out
    assert "https://ghe.example/api/v3 " in out
    assert "['mltop.example', 'www.mltop.example']" in out
    assert "RedisCache" in out


def _embedded(code: str, **env_overrides) -> str:
    """What ``code`` prints in a process of its own on the embedded default (no Redis)."""
    setup = "import django, json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mltop.settings');"
    setup += "django.setup();"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_CACHE_DIR")}
    env |= {"DJANGO_SECRET_KEY": "x" * 50, **env_overrides}
    out = subprocess.run(
        [sys.executable, "-c", setup + code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    ).stdout
    return out.strip().splitlines()[-1]


def test_without_redis_the_cache_is_one_every_process_shares_under_var():
    config = json.loads(_embedded("from django.conf import settings as s; print(json.dumps(s.CACHES['default']))"))
    assert config["BACKEND"] == "diskcache.DjangoCache"
    assert config["LOCATION"] == str(ROOT / "var" / "cache")


def test_processes_naming_the_same_cache_folder_share_counts_and_locks(tmp_path):
    folder = str(tmp_path / "cache")
    first = "from django.core.cache import cache; print(cache.add('lock', 'one', 60), cache.add('n', 1, 60))"
    assert _embedded(first, DJANGO_CACHE_DIR=folder) == "True True"
    second = "from django.core.cache import cache as c; print(c.add('lock', 'two', 60), c.incr('n', 2), c.get('lock'))"
    assert _embedded(second, DJANGO_CACHE_DIR=folder) == "False 3 one"


# -- the checkout's .env: read by commands run by hand, never by the tests ----------------------

CHECKOUT = ("manage.py", "Makefile", "mltop", "github", "projects", "stats", "rankings", "templates", "static")


@pytest.fixture(scope="module")
def checkout_with_env(tmp_path_factory):
    """A copy of the code whose .env was written by `make .env`, as `make run` and `make test` do."""
    root = tmp_path_factory.mktemp("checkout")
    for name in CHECKOUT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    subprocess.run(["make", "-s", ".env", f"PYTHON={sys.executable}"], cwd=root, check=True, timeout=60)
    return root


def _run_in(root: Path, *args: str, **env_overrides) -> subprocess.CompletedProcess:
    """manage.py in ``root`` with nothing of ours in the environment: no DJANGO_*, no MLTOP_READ_DOTENV."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "MLTOP_READ_DOTENV"}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_make_writes_a_debug_env_with_a_fresh_secret_key_once(checkout_with_env):
    env_file = checkout_with_env / ".env"
    written = env_file.read_text()
    assert "DJANGO_DEBUG=true\n" in written
    key = next(line.partition("=")[2] for line in written.splitlines() if line.startswith("DJANGO_SECRET_KEY="))
    assert len(key) >= 50 and key not in (ROOT / ".env.example").read_text()
    subprocess.run(["make", "-s", ".env", f"PYTHON={sys.executable}"], cwd=checkout_with_env, check=True, timeout=60)
    assert env_file.read_text() == written  # never overwritten


def test_commands_run_by_hand_read_the_env_file(checkout_with_env):
    result = _run_in(checkout_with_env, "refresh_stats", "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: manage.py refresh_stats" in result.stdout


def test_the_environment_wins_over_the_env_file(checkout_with_env):
    show_debug = ("shell", "-c", "from django.conf import settings; print('DEBUG', settings.DEBUG)")
    assert "DEBUG True" in _run_in(checkout_with_env, *show_debug).stdout
    result = _run_in(checkout_with_env, *show_debug, DJANGO_DEBUG="false")
    assert "DEBUG False" in result.stdout, result.stderr


def test_the_test_suite_never_reads_the_env_file(checkout_with_env, settings):
    # pytest sets it (pyproject.toml), and every subprocess of a test inherits it.
    assert os.environ["MLTOP_READ_DOTENV"] == "false"
    assert settings.DEBUG is False
    result = _run_in(checkout_with_env, "refresh_stats", "--help", MLTOP_READ_DOTENV="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
