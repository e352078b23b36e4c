"""`briefing check`: one summary line per brief on stdout, problems on stderr, the right exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from compiler.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASES = "tests/cases"


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def check(capsys: pytest.CaptureFixture[str], *briefs: str) -> tuple[int, list[str], list[str]]:
    status = main(["check", *briefs])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def test_good_briefs_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = check(capsys, f"{CASES}/check-quote-normalisation/brief.yaml",
                             f"{CASES}/check-unchecked/brief.yaml")
    assert status == 0
    assert out == [
        f"{CASES}/check-quote-normalisation/brief.yaml: ok: 1 claim, 4 quotes verified against source.txt",
        f"{CASES}/check-unchecked/brief.yaml: ok: 1 claim, 2 quotes unchecked (no source.text)",
    ]
    assert err == []


def test_one_bad_brief_hides_no_other(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = check(capsys, f"{CASES}/check-wrong-kind/brief.yaml",
                             f"{CASES}/check-dates-ok/brief.yaml", f"{CASES}/missing/brief.yaml")
    assert status == 1
    assert out == [
        f"{CASES}/check-wrong-kind/brief.yaml: 2 errors",
        f"{CASES}/check-dates-ok/brief.yaml: ok: 1 claim, 0 quotes unchecked (no source.text)",
        f"{CASES}/missing/brief.yaml: 1 error",
    ]
    assert err == [
        f"{CASES}/check-wrong-kind/brief.yaml:13:11: claims[0].kind: must be one of fact, assessment, "
        "proposal, not 'facts'; did you mean 'fact'?",
        f"{CASES}/check-wrong-kind/brief.yaml:16:11: claims[1].kind: must be one of fact, assessment, "
        "proposal, not 'opinion'",
        f"{CASES}/missing/brief.yaml:1:1: file not found; check the path",
    ]


def test_default_is_every_brief_in_content(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "content").mkdir()
    for name in ("b-unchecked", "a-duplicate-key"):
        case = "check-unchecked" if name == "b-unchecked" else "check-duplicate-key"
        (tmp_path / "content" / f"{name}.yaml").write_bytes((ROOT / CASES / case / "brief.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    status, out, err = check(capsys)
    assert status == 1
    assert out == ["content/a-duplicate-key.yaml: 1 error",
                   "content/b-unchecked.yaml: ok: 1 claim, 2 quotes unchecked (no source.text)"]
    assert err == ["content/a-duplicate-key.yaml:9:3: brief.title: duplicate key 'title' (first at line 7); "
                   "remove one of them"]


def test_no_briefs_at_all(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = check(capsys)
    assert (status, out) == (1, [])
    assert err == ["no brief files: name one, or put *.yaml files in content/"]


def test_wrong_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--no-such-option"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_many_problems_are_cut_short(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    brief = tmp_path / "brief.yaml"
    brief.write_text("".join(f"key{i}: x\n" for i in range(150)))
    status, out, err = check(capsys, str(brief))
    assert status == 1
    assert out == [f"{brief}: 155 errors"]  # 150 unknown keys and 5 missing required ones
    assert len(err) == 101
    assert err[-1] == f"{brief}: 55 more problems not shown; fix these first"


def test_runs_as_a_program_without_loading_the_renderers() -> None:
    code = ("import sys; from compiler.cli import main; status = main(['check', "
            f"'{CASES}/check-dates-ok/brief.yaml']); "
            "heavy = sorted(m for m in ('weasyprint', 'docx', 'jinja2') if m in sys.modules); "
            "print(status, heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.splitlines()[-1] == "0 []"
    assert done.stderr == ""


def test_an_unforeseen_failure_is_one_line_and_the_others_still_run(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import compiler.commands.check as command

    real = command.check_brief

    def failing(path: Path):
        if "wrong-kind" in str(path):
            raise RuntimeError("boom")
        return real(path)

    monkeypatch.setattr(command, "check_brief", failing)
    status, out, err = check(capsys, f"{CASES}/check-wrong-kind/brief.yaml", f"{CASES}/check-dates-ok/brief.yaml")
    assert status == 1
    assert out == [f"{CASES}/check-wrong-kind/brief.yaml: 1 error",
                   f"{CASES}/check-dates-ok/brief.yaml: ok: 1 claim, 0 quotes unchecked (no source.text)"]
    assert err == [f"{CASES}/check-wrong-kind/brief.yaml:1:1: internal error while checking "
                   "(RuntimeError: boom); please report it"]


def test_a_character_the_fonts_cannot_draw_fails_check_as_it_would_fail_build(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = check(capsys, "tests/hostile/emoji/brief.yaml")
    assert status == 1
    assert out == ["tests/hostile/emoji/brief.yaml: 1 error"]
    assert len(err) == 1
    assert err[0].startswith("tests/hostile/emoji/brief.yaml:18:11: claims[0].text: character U+1F600 "
                             "(GRINNING FACE) is not covered by the document fonts (")
