"""For CI: --check lists what is stale without writing, --shard splits briefs stably, GitHub annotations."""

from __future__ import annotations

from pathlib import Path

from buildkit import Engine, run_build, snapshot, write_brief
from compiler.build import select_shard


def test_check_passes_when_up_to_date_and_lists_stale_outputs_without_writing(
        tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)

    current = run_build([brief], out, check=True)
    write_brief(tmp_path, "alpha", claim="A changed claim.")
    before = snapshot(out)
    engine.written.clear()
    stale = run_build([brief], out, check=True)

    assert (current.status, current.out) == (0, "up to date: 1 brief\n")
    assert stale.status == 1
    assert stale.err.splitlines() == [f"{out / 'alpha' / name}:1:1: out of date: brief changed" for name in
                                      ["memo.pdf", "memo.docx", "slides.pdf", "slides.docx", "slides.pptx",
                                       "factsheet.pdf", "factsheet.docx"]]
    assert stale.out == "7 of 7 outputs out of date\n"
    assert engine.written == []
    assert snapshot(out) == before


def test_check_of_a_never_built_brief_creates_nothing(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    run = run_build([brief], tmp_path / "build", check=True)
    assert run.status == 1
    assert f"{tmp_path / 'build' / 'alpha' / 'memo.pdf'}:1:1: out of date: not built before" in run.err
    assert not (tmp_path / "build").exists()


def test_check_mentions_an_edited_output(tmp_path: Path, engine: Engine) -> None:
    brief = write_brief(tmp_path, "alpha")
    out = tmp_path / "build"
    run_build([brief], out)
    (out / "alpha" / "memo.docx").write_bytes(b"annotated")
    write_brief(tmp_path, "alpha", claim="A changed claim.")

    run = run_build([brief], out, check=True)

    assert (f"{out / 'alpha' / 'memo.docx'}:1:1: out of date: brief changed; edited since the last build "
            "(a build would write memo.new.docx)") in run.err.splitlines()


def test_shards_split_the_briefs_and_adding_one_moves_no_other() -> None:
    briefs = [Path(f"content/brief-{number:02}.yaml") for number in range(40)]
    shards = [select_shard(briefs, (index, 4)) for index in range(1, 5)]

    assert sorted(path for shard in shards for path in shard) == briefs
    assert all(shards), "each of 4 shares of 40 briefs has some"
    grown = [select_shard([*briefs, Path("content/new.yaml")], (index, 4)) for index in range(1, 5)]
    assert [[path for path in shard if path.stem != "new"] for shard in grown] == shards


def test_shard_builds_only_its_share(tmp_path: Path, engine: Engine) -> None:
    briefs = [write_brief(tmp_path, name) for name in ("alpha", "beta", "gamma", "delta")]
    out = tmp_path / "build"
    for index in (1, 2):
        run_build(briefs, out, shard=(index, 2))
    first = {path.stem for path in select_shard(briefs, (1, 2))}

    assert {p.name for p in out.iterdir()} == {"alpha", "beta", "gamma", "delta"}
    assert 0 < len(first) < 4
    assert run_build(briefs, out, shard=(1, 2), check=True).out == f"up to date: {len(first)} brief" \
        f"{'s' if len(first) != 1 else ''}\n"


def test_github_error_format_annotates_the_file_line_and_column(tmp_path: Path, engine: Engine) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nbrief: {title: x, date: 2026-01-01}\nsource: {text: none}\n")

    run = run_build([bad], tmp_path / "build", error_format="github")

    assert run.status == 1
    assert run.err.splitlines() == [
        f"::error file={bad},line=1,col=1::claims: required key is missing; add at least one claim"]
