"""CI: audit requirements.txt (with its resolved dependencies) for known vulnerabilities.

Runs pip-audit against PyPI's advisory data, then against OSV for whatever PyPI could not
answer. A known vulnerability fails the step (exit 1). A package that neither service could
check is NOT reported as safe: pip-audit alone would print "No known vulnerabilities found"
with every package skipped, so this step lists each unchecked package and why, loudly. It
does not fail CI for a vulnerability service that cannot be reached, unless PIP_AUDIT_STRICT=1.

  .venv/bin/python .ci/pip_audit.py [requirements.txt]
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("pypi", "osv")


def audit(requirements: Path, service: str) -> dict | None:
    """pip-audit's JSON report from one service, or None when it could not run at all (service down)."""
    command = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--format", "json"]
    command += ["--progress-spinner", "off", "--vulnerability-service", service, "--timeout", "30"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)  # noqa: S603 - our own argv
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit ({service}) did not produce a report: {last}", file=sys.stderr)
        return None


def combine(reports: dict[str, dict | None]) -> tuple[dict[str, list], dict[str, str], set[str]]:
    """Per package: vulnerabilities found by any service, why it was skipped by all, and who checked it."""
    vulns: dict[str, list] = {}
    skipped: dict[str, str] = {}
    checked: set[str] = set()
    for service, report in reports.items():
        if report is None:
            continue
        for dep in report.get("dependencies", []):
            key = f"{dep['name']}=={dep.get('version', '?')}" if "version" in dep else dep["name"]
            if "skip_reason" in dep:
                skipped.setdefault(dep["name"], f"{service}: {dep['skip_reason']}")
                continue
            checked.add(dep["name"])
            if dep.get("vulns"):
                vulns.setdefault(key, []).extend(dep["vulns"])
    for name in checked:
        skipped.pop(name, None)
    return vulns, skipped, checked


def main(argv: list[str]) -> int:
    requirements = Path(argv[0]) if argv else ROOT / "requirements.txt"
    reports: dict[str, dict | None] = {}
    for service in SERVICES:
        reports[service] = audit(requirements, service)
        _, skipped, checked = combine(reports)
        if checked and not skipped:
            break  # everything answered: no need to ask the next service
    vulns, skipped, checked = combine(reports)
    for package, found in sorted(vulns.items()):
        for vuln in found:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {package}: {vuln['id']} (fixed in: {fixes})")
    print(f"pip-audit: {len(checked)} packages checked, {len(vulns)} vulnerable, {len(skipped)} NOT CHECKED.")
    if skipped:
        print("NOT CHECKED (no vulnerability service could answer for these; they are not known to be safe):")
        for name, reason in sorted(skipped.items()):
            print(f"  {name}: {reason}")
    if vulns:
        return 1
    if skipped and os.environ.get("PIP_AUDIT_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
