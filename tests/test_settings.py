import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.cache.backends.locmem import LocMemCache

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


def test_local_memory_keeps_the_generation_among_many_clients_throttle_histories():
    code = (
        "import django, json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mltop.settings'); django.setup();"
        "from django.conf import settings as s; print(json.dumps(s.CACHES['default']))"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | {"DJANGO_SECRET_KEY": "x" * 50}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    ).stdout
    config = json.loads(out.strip().splitlines()[-1])
    assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    cache = LocMemCache("embedded-default-test", {"OPTIONS": config["OPTIONS"]})
    cache.set("rankings:generation", 1, timeout=None)
    for client in range(10_000):
        cache.set(f"throttle_anon_10.0.{client // 256}.{client % 256}", [1.0], timeout=60)
    assert cache.get("rankings:generation") == 1
