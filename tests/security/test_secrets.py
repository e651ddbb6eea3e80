"""GITHUB_TOKEN and the secret key never show: not in logs, error pages, the API, admin or the repository."""

import logging
import re
import secrets
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import include, path

from projects.models import Project
from tests.fake_github import synthetic_repos

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)
# Every logger that could see a request: ours, requests/urllib3 (connection and retry logs), Celery, Django.
LOGGERS = ["", "urllib3", "requests", "rankings", "projects", "mltop", "celery", "django", "kombu"]
# GitHub's token formats (classic, fine-grained, OAuth, user-to-server, server-to-server, refresh).
GITHUB_TOKEN_RE = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")
# A literal value given to a secret-looking name: NAME = "value" in code, NAME=value in env files.
SECRET_ASSIGNMENT_RE = re.compile(
    r"""(?im)\b\w*(?:SECRET|TOKEN|PASSWORD)\w*["']?\s*[:=]\s*(["'])[^"'\s]{32,}\1"""
    r"""|^\s*(?:export\s+)?\w*(?:SECRET|TOKEN|PASSWORD)\w*(?:=|:\s*)[^\s"'#]{32,}\s*$"""
)
# What a test fixture or an example file may hold: values that say they are not real.
OBVIOUSLY_FAKE = re.compile(r"(?i)test|fake|example|change-me|dummy|not-a-real|placeholder|\$\{|\{\{|%\(")


def _boom(request):
    raise RuntimeError(f"failed while configured with {django_settings.GITHUB_TOKEN}")  # the worst case


urlpatterns = [path("boom/", _boom), path("", include("mltop.urls"))]


@pytest.fixture
def token(settings):
    value = "ghp_" + secrets.token_hex(18)  # a fresh one: any hit below is a leak, not a coincidence
    settings.GITHUB_TOKEN = value
    return value


@pytest.fixture
def secret_key(settings):
    value = secrets.token_urlsafe(50)
    settings.SECRET_KEY = value
    return value


@pytest.fixture
def debug_logs():
    """Everything logged at DEBUG by every logger, as text."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))
            if record.exc_info:
                records.append(logging.Formatter().formatException(record.exc_info))

    handler = Collect(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))
    saved = {}
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    yield records
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        logger.setLevel(saved[name])


def test_a_full_refresh_never_logs_the_token(fake_github, token, debug_logs, capsys, project_factory):
    fake_github.token = token  # the fake accepts only this token: GraphQL batches are authorised with it
    repos = synthetic_repos(fake_github, 12)
    for repo in repos:
        owner, name = repo.full_name.split("/")
        project_factory(repo_owner=owner, repo_name=name, stars=None)
    fake_github.delete(repos[0].full_name)  # a failure, with its error message recorded and logged
    fake_github.fail_next(3, status=502)  # retries, with urllib3's retry logs

    call_command("refresh_stats", "--sync")

    assert fake_github.count() > 0
    assert any(r.authorized for r in fake_github.requests)  # the token really was sent
    assert len(debug_logs) > 10  # urllib3 logged its connections: the capture works
    assert any("urllib3" in line for line in debug_logs)
    captured = capsys.readouterr()
    for text in [*debug_logs, captured.out, captured.err]:
        assert token not in text
    fetched = Project.objects.exclude(last_fetched_at=None).count()
    assert fetched >= 11
    assert not Project.objects.filter(fetch_error__contains=token).exists()


def test_a_refresh_with_a_revoked_token_does_not_echo_it(fake_github, token, debug_logs, capsys, project_factory):
    fake_github.token = "ghp_" + secrets.token_hex(18)  # GitHub no longer accepts ours: 401 Bad credentials
    repos = synthetic_repos(fake_github, 3)
    for repo in repos:
        owner, name = repo.full_name.split("/")
        project_factory(repo_owner=owner, repo_name=name, stars=None)
    try:
        call_command("refresh_stats", "--sync")
    except Exception as exc:  # noqa: BLE001 - whatever it raises, its message is shown to someone
        debug_logs.append(str(exc))
    captured = capsys.readouterr()
    for text in [*debug_logs, captured.out, captured.err]:
        assert token not in text
    assert not Project.objects.filter(fetch_error__contains=token).exists()


@pytest.mark.urls("tests.security.test_secrets")
def test_the_500_page_shows_neither_the_token_nor_the_key(client, token, secret_key, debug_logs):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert token not in body and secret_key not in body


@pytest.mark.parametrize(
    "url", ["/healthz", "/api/", "/api/schema/", "/api/docs/", "/api/projects/", "/methodology/", "/nothing-here/"]
)
def test_public_responses_show_neither(client, seeded, token, secret_key, url):
    response = client.get(url)
    body = response.content.decode()
    assert token not in body and secret_key not in body
    assert not any(token in value or secret_key in value for value in response.headers.values())


@pytest.mark.parametrize("url", ["/admin/", "/admin/projects/project/", "/admin/django_celery_beat/periodictask/"])
def test_admin_shows_neither(staff_client, seeded, token, secret_key, url):
    body = staff_client.get(url).content.decode()
    assert token not in body and secret_key not in body


def _repository_files() -> list[Path]:
    """The files under version control (git ls-files), or, outside a checkout, the tree without build output."""
    try:
        names = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout.split(b"\0")
        return [ROOT / name.decode() for name in names if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "var", "staticfiles", "node_modules", "__pycache__", ".pytest_cache"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def _texts():
    for file in _repository_files():
        if not file.is_file() or file.stat().st_size > 5_000_000:
            continue
        data = file.read_bytes()
        if b"\0" in data[:8000]:
            continue  # binary (compiled catalogues, images)
        yield file.relative_to(ROOT), data.decode("utf-8", errors="replace")


def test_the_repository_holds_no_token_or_secret_key():
    # Real values given to this run (CI secrets, a developer's token) and the generated development key.
    configured = [django_settings.GITHUB_TOKEN, django_settings.SECRET_KEY]
    dev_key = ROOT / "var" / "dev-secret-key"
    if dev_key.exists():
        configured.append(dev_key.read_text().strip())
    configured = [v for v in configured if len(v) >= 20 and not OBVIOUSLY_FAKE.search(v)]
    findings = []
    scanned = 0
    for name, text in _texts():
        scanned += 1
        for value in configured:
            if value in text:
                findings.append(f"{name}: the configured GITHUB_TOKEN or SECRET_KEY")
        for match in GITHUB_TOKEN_RE.finditer(text):
            if not OBVIOUSLY_FAKE.search(match.group(0)):
                findings.append(f"{name}: GitHub token {match.group(0)[:8]}…")
        for match in SECRET_ASSIGNMENT_RE.finditer(text):
            if not OBVIOUSLY_FAKE.search(match.group(0)):
                findings.append(f"{name}: {match.group(0)[:40]}…")
    assert scanned > 100
    assert findings == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("GITHUB_TOKEN=ghp_" + "a1B2" * 9, True),
        # Built from pieces, so that this file itself passes the scan above.
        ("token: github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", True),
        ('DJANGO_SECRET_KEY = "' + 'k8#2@9!m_q$w7^e&r*t(y)u+i-o=p[a]s{d}f|g;h:j<k>l?z"', True),
        ('TOKEN = "ghp_testtoken0123456789abcdefghijklmnopqrstu"', False),
        ("DJANGO_SECRET_KEY=change-me-to-a-long-random-string", False),
        ('SECRET = "production-test-secret-5f1c0e8a9b2d4c7e6a3f1b0d9c8e7a6b5c4d3e2f1a0b"', False),
    ],
)
def test_the_scanner_tells_real_looking_secrets_from_obvious_fakes(text, found):
    hits = [m.group(0) for r in (GITHUB_TOKEN_RE, SECRET_ASSIGNMENT_RE) for m in r.finditer(text)]
    assert any(not OBVIOUSLY_FAKE.search(hit) for hit in hits) is found
