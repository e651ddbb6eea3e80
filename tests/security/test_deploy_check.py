"""`check --deploy` against the production environment as shipped: .env.example, as docker-compose reads it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _example_env() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _check_deploy(**overrides) -> subprocess.CompletedProcess:
    # MLTOP_READ_DOTENV too: the image has no .env, so a checkout's must not be read here either.
    kept = ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "MLTOP_READ_DOTENV")
    inherited = {k: v for k, v in os.environ.items() if k in kept}
    env = {**inherited, **_example_env(), **overrides}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("static"))


def test_check_deploy_is_clean_with_the_example_production_environment(static_root):
    # Everything as .env.example ships it, but a real secret key (the example's is a placeholder).
    result = _check_deploy(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_STATIC_ROOT=static_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_catches_the_placeholder_secret_key(static_root):
    result = _check_deploy(DJANGO_STATIC_ROOT=static_root)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_check_deploy_catches_https_switched_off(static_root):
    result = _check_deploy(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_STATIC_ROOT=static_root, DJANGO_SECURE_HTTPS="false"
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "security.W008" in output and "security.W012" in output  # no HTTPS redirect, session cookie in clear
