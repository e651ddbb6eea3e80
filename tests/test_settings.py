import json
import os
import subprocess
import sys
from pathlib import Path

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
