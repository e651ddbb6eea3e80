"""The CI audit step's verdicts (.ci/pip_audit.py), from pip-audit reports given to it: no network here."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "pip_audit.py"


@pytest.fixture
def step():
    spec = importlib.util.spec_from_file_location("ci_pip_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "requests",
    "version": "2.0.0",
    "vulns": [{"id": "PYSEC-2023-74", "fix_versions": ["2.31.0"], "aliases": [], "description": ""}],
}
SKIPPED = {"name": "whitenoise", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def _services(step, monkeypatch, reports):
    asked = []

    def audit(requirements, service):
        asked.append(service)
        return reports[service]

    monkeypatch.setattr(step, "audit", audit)
    return asked


def test_a_known_vulnerability_fails_the_step(step, monkeypatch, capsys):
    asked = _services(step, monkeypatch, {"pypi": {"dependencies": [CLEAN, VULNERABLE]}, "osv": None})
    assert step.main([]) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE requests==2.0.0: PYSEC-2023-74 (fixed in: 2.31.0)" in out
    assert asked == ["pypi"]  # every package answered: OSV is not asked


def test_a_clean_report_passes(step, monkeypatch, capsys):
    _services(step, monkeypatch, {"pypi": {"dependencies": [CLEAN]}, "osv": None})
    assert step.main([]) == 0
    assert "1 packages checked, 0 vulnerable, 0 NOT CHECKED." in capsys.readouterr().out


def test_unreachable_services_are_reported_as_not_checked_not_as_safe(step, monkeypatch, capsys):
    asked = _services(step, monkeypatch, {"pypi": {"dependencies": [SKIPPED]}, "osv": None})
    assert step.main([]) == 0
    out = capsys.readouterr().out
    assert asked == ["pypi", "osv"]
    assert "0 packages checked, 0 vulnerable, 1 NOT CHECKED." in out
    assert "whitenoise: pypi: Dependency not found on PyPI" in out


def test_strict_mode_fails_on_unchecked_packages(step, monkeypatch):
    monkeypatch.setenv("PIP_AUDIT_STRICT", "1")
    _services(step, monkeypatch, {"pypi": {"dependencies": [SKIPPED]}, "osv": None})
    assert step.main([]) == 1


def test_osv_answers_for_what_pypi_skipped(step, monkeypatch, capsys):
    osv_view = {**SKIPPED, "version": "6.9.0", "vulns": []}
    osv_view.pop("skip_reason")
    _services(step, monkeypatch, {"pypi": {"dependencies": [CLEAN, SKIPPED]}, "osv": {"dependencies": [osv_view]}})
    assert step.main([]) == 0
    assert "2 packages checked, 0 vulnerable, 0 NOT CHECKED." in capsys.readouterr().out
