"""scripts/audit's policy, with every answer from outside stubbed: no test here touches the network."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import urllib.request
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit"
LOCK = """\
# a lock file as pip-compile writes it
jinja2==3.1.6 \\
    --hash=sha256:0000
platformdirs==4.14.8 \\
    --hash=sha256:1111
pyyaml==6.0.4 \\
    --hash=sha256:2222
"""
NOT_FOUND = "Dependency not found on PyPI and could not be audited: platformdirs (4.14.8)"


@pytest.fixture
def audit(monkeypatch):
    """The script as a module, with the network refused so that a missed stub fails loudly."""
    loader = importlib.machinery.SourceFileLoader("audit_script", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)

    def refuse(*args, **kwargs):
        raise AssertionError("the audit test reached for the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.delenv("AUDIT_STRICT", raising=False)
    monkeypatch.setenv("CI", "true")  # CI alone must not make an unanswered pin fail
    return module


@pytest.fixture
def lock(tmp_path):
    path = tmp_path / "requirements.lock"
    path.write_text(LOCK)
    return path


def stub_answers(monkeypatch, audit, results, projects=None):
    """pip-audit's report and PyPI's project pages, as the stubs give them."""
    monkeypatch.setattr(audit, "run_pip_audit", lambda lock, pins: results)
    monkeypatch.setattr(audit, "fetch_project", lambda name: (projects or {}).get(name))


def test_a_pin_the_index_cannot_answer_for_warns_and_passes(monkeypatch, audit, lock, capsys):
    stub_answers(monkeypatch, audit, [
        {"name": "jinja2", "version": "3.1.6", "vulns": []},
        {"name": "platformdirs", "skip_reason": NOT_FOUND},
        {"name": "pyyaml", "version": "6.0.4", "vulns": []},
    ], projects={"platformdirs": {"info": {"version": "4.14.9"}, "vulnerabilities": []}})

    status = audit.main([str(lock)])

    out, err = capsys.readouterr()
    assert status == 0
    assert "audit: WARNING: 1 of 3 locked packages could NOT be audited (unknown, not known to be safe):" in err
    assert "audit:   platformdirs 4.14.8: Dependency not found on PyPI and could not be audited" in err
    assert out == "audit: 3 locked packages: 2 audited, 0 known vulnerabilities; 1 unaudited\n"


def test_strict_mode_fails_on_the_same_pin(monkeypatch, audit, lock, capsys):
    stub_answers(monkeypatch, audit, [{"name": "platformdirs", "skip_reason": NOT_FOUND},
                                      {"name": "jinja2", "vulns": []}, {"name": "pyyaml", "vulns": []}])
    monkeypatch.setenv("AUDIT_STRICT", "1")

    assert audit.main([str(lock)]) == 1
    assert "audit: ERROR: 1 of 3 locked packages could NOT be audited" in capsys.readouterr().err


def test_a_known_vulnerability_fails_and_names_the_advisory(monkeypatch, audit, lock, capsys):
    stub_answers(monkeypatch, audit, [
        {"name": "jinja2", "version": "3.1.6",
         "vulns": [{"id": "GHSA-xxxx-yyyy-zzzz", "fix_versions": ["3.1.7"]}]},
        {"name": "platformdirs", "vulns": []},
        {"name": "pyyaml", "vulns": []},
    ])

    status = audit.main([str(lock)])

    out, err = capsys.readouterr()
    assert status == 1
    assert ("audit: VULNERABLE: jinja2 3.1.6: GHSA-xxxx-yyyy-zzzz (fixed in: 3.1.7); raise its pin "
            "(make lock) or replace it") in err
    assert out == "audit: 3 locked packages: 3 audited, 1 known vulnerabilities; 0 unaudited\n"


def test_a_skipped_pin_at_the_latest_release_is_audited_from_the_project_page(monkeypatch, audit, lock,
                                                                                capsys):
    stub_answers(monkeypatch, audit, [
        {"name": "jinja2", "vulns": []}, {"name": "pyyaml", "vulns": []},
        {"name": "platformdirs", "skip_reason": NOT_FOUND},
    ], projects={"platformdirs": {"info": {"version": "4.14.8"},
                                  "vulnerabilities": [{"id": "PYSEC-2026-1", "fixed_in": []}]}})

    assert audit.main([str(lock)]) == 1
    assert "platformdirs 4.14.8: PYSEC-2026-1 (fixed in: no fixed release yet)" in capsys.readouterr().err


def test_pip_audit_failing_to_run_leaves_every_pin_unaudited_not_failed(monkeypatch, audit, lock, capsys):
    monkeypatch.setattr(audit, "PIP_AUDIT", lock.parent / "no-such-pip-audit")
    monkeypatch.setattr(audit, "fetch_project", lambda name: None)

    assert audit.main([str(lock)]) == 0
    out, err = capsys.readouterr()
    assert "3 of 3 locked packages could NOT be audited" in err
    assert out.endswith("0 audited, 0 known vulnerabilities; 3 unaudited\n")
