"""The production configuration: collected static files, WhiteNoise, check --deploy, gunicorn."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
SECRET = "production-test-secret-5f1c0e8a9b2d4c7e6a3f1b0d9c8e7a6b5c4d3e2f1a0b"


def production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="mltop.example,127.0.0.1",
        DJANGO_STATIC_MANIFEST="true",
    )
    env.update(overrides)
    return env


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """STATIC_ROOT after the production collectstatic, as the Docker build runs it."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=production_env(DJANGO_STATIC_ROOT=str(root)),
        check=True,
        timeout=180,
    )
    return root


def test_collectstatic_writes_hashed_and_compressed_files(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/mltop.css"]
    assert hashed != "css/mltop.css" and hashed.startswith("css/mltop.")
    assert (collected / hashed).is_file()
    assert (collected / f"{hashed}.gz").is_file()


@pytest.fixture
def production_static(settings, collected):
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    return json.loads((collected / "staticfiles.json").read_text())["paths"]


@pytest.mark.django_db
def test_pages_link_hashed_static_files_served_with_far_future_headers(production_static):
    client = Client()  # a new client loads the middleware with the settings above
    hashed = production_static["css/mltop.css"]
    page = client.get("/").content.decode()
    assert f"/static/{hashed}" in page
    response = client.get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(DJANGO_SECURE_HTTPS="true"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url, headers=None):
    response = requests.get(url, headers=headers or {}, timeout=5, allow_redirects=False)
    return response.status_code, response.headers, response.content


@pytest.mark.integration
def test_gunicorn_serves_the_app_with_its_production_config(collected, tmp_path):
    port = _free_port()
    env = production_env(
        DJANGO_STATIC_ROOT=str(collected),
        DJANGO_SECURE_HTTPS="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GUNICORN_ACCESS_LOG="",
    )
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "mltop/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "mltop.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, body = _get(f"{base}/livez")
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        assert (status, body) == (200, b"ok")
        # Health checks speak plain HTTP inside the container: exempt from the HTTPS redirect.
        status, _, body = _get(f"{base}/healthz")
        assert status == 200 and json.loads(body)["checks"]["database"]["status"] == "ok"
        hashed = json.loads((collected / "staticfiles.json").read_text())["paths"]["css/mltop.css"]
        status, headers, _ = _get(f"{base}/static/{hashed}", {"X-Forwarded-Proto": "https"})
        assert status == 200 and "immutable" in headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=30)
