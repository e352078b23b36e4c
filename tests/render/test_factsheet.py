"""The factsheet: one page for any brief that passes `check`, choosing what it shows and saying so."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import pdfplumber
import pytest

from compiler.cli import main
from compiler.content import load_brief
from compiler.doctypes import document_type
from compiler.document import BuildOptions
from compiler.markup import plain_text
from compiler.render import render_html
from compiler.writers import docx as docx_writer
from tests.render.reading import (CASES, SCO_BRIEF, BuiltPdf, contains_words, page_sizes_mm, small_brief,
                                  write_brief, write_pdf)

DENSE = CASES / "dense-35" / "brief.yaml"
OVERFLOW = CASES / "factsheet-overflow" / "brief.yaml"
SENTENCE = "The article makes a long and winding claim that goes on for a good while. "


def factsheet(brief_path: Path, folder: Path, paper: str = "a4") -> BuiltPdf:
    options = BuildOptions(paper=paper)
    document = render_html(load_brief(brief_path), document_type("factsheet"), options)
    return write_pdf(document, folder / f"factsheet-{paper}.pdf", options)


def glance_entries(html: str) -> list[str]:
    """The text of each "claims at a glance" entry, kind label left out, as the HTML has it."""
    entries: list[str] = []

    class Reader(HTMLParser):
        depth = 0  # > 0 inside an entry's text

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if self.depth:
                self.depth += 1
            elif tag == "span" and dict(attrs).get("class") == "glance-text":
                self.depth = 1
                entries.append("")

        def handle_endtag(self, tag: str) -> None:
            if self.depth:
                self.depth -= 1

        def handle_data(self, data: str) -> None:
            if self.depth:
                entries[-1] += data

    Reader(convert_charrefs=True).feed(html)
    return entries


def shown_claims(built: BuiltPdf, claims: list[dict]) -> list[tuple[str, str]]:
    """(id, how) for each claim the PDF shows at a glance: "whole", or "cut" when it ends "…"."""
    entries = glance_entries(built.html)
    shown = []
    for entry in entries:
        assert contains_words(built.text, entry), entry  # what the page was given is on it
        if entry.endswith("…"):
            kept = entry.removesuffix("…")
            matches = [claim for claim in claims if plain_text(claim["text"]).startswith(kept)]
            # cut at a word: what follows the kept text in the claim starts with a space or a mark
            assert matches and plain_text(matches[0]["text"])[len(kept)] in " ,;:–—", entry
            shown.append((matches[0]["id"], "cut"))
        else:
            matches = [claim for claim in claims if plain_text(claim["text"]) == entry
                       or plain_text(claim.get("short", "")) == entry]
            assert len(matches) == 1, entry
            shown.append((matches[0]["id"], "whole"))
    return shown


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("case", ["minimal", "elsewhere-large", "factsheet-overflow", "dense-35",
                                  "multilingual", "rtl"])
def test_the_factsheet_is_one_page_of_its_paper(tmp_path: Path, case: str, paper: str) -> None:
    built = factsheet(CASES / case / "brief.yaml", tmp_path, paper)
    sizes = page_sizes_mm(built.path)
    assert len(sizes) == 1
    assert sizes[0] == pytest.approx({"a4": (210, 297), "letter": (215.9, 279.4)}[paper], abs=0.5)


def test_the_sco_factsheet_shows_every_claim_and_figure_and_warns_of_nothing(tmp_path: Path) -> None:
    built = factsheet(SCO_BRIEF, tmp_path)
    data = load_brief(SCO_BRIEF).data
    assert [claim_id for claim_id, _ in shown_claims(built, data["claims"])] == [
        claim["id"] for claim in data["claims"]]
    for figure in data["figures"]:
        assert contains_words(built.text, str(figure["value"])) and contains_words(built.text, figure["label"])
    assert contains_words(built.text, data["brief"]["bottom_line"])
    assert "more claim" not in built.text
    assert built.document.warnings == ()


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("case", [DENSE, OVERFLOW], ids=["dense-35", "factsheet-overflow"])
def test_as_many_claims_as_fit_in_brief_order_and_the_page_says_how_many_more(
        tmp_path: Path, case: Path, paper: str) -> None:
    built = factsheet(case, tmp_path, paper)
    brief = load_brief(case)
    claims = brief.data["claims"]
    shown = [claim_id for claim_id, _ in shown_claims(built, claims)]
    left = [claim["id"] for claim in claims[len(shown):]]
    assert 10 <= len(shown) < len(claims)
    assert shown == [claim["id"] for claim in claims[:len(shown)]]
    assert f"The memo holds {len(left)} more claims, each with its evidence." in " ".join(built.text.split())
    line, column = brief.location("claims")
    [warning] = [str(w) for w in built.document.warnings if "claims" in w.message]
    assert warning == (
        f"{case}:{line}:{column}: claims: factsheet shows {len(shown)} of {len(claims)} claims (as many as "
        f"fit its page; the memo has them all); left out: {', '.join(left)}; to choose which, list their "
        "ids in brief.factsheet.claims")


def test_long_claims_are_cut_at_a_word_and_the_page_is_filled(tmp_path: Path) -> None:
    built = factsheet(OVERFLOW, tmp_path)
    shown = shown_claims(built, load_brief(OVERFLOW).data["claims"])
    assert {how for _, how in shown} == {"cut"}
    # Filled: the last entry sits in the page's lowest fifth, above the source line.
    with pdfplumber.open(built.path) as pdf:
        page = pdf.pages[0]
        closing = [word for word in page.extract_words() if word["text"] == "holds"]
        source = [word for word in page.extract_words() if word["text"] == "SOURCE"]
        assert closing and source
        assert 0.8 * page.height < closing[0]["bottom"] < source[0]["top"]


def value_lines(page: pdfplumber.page.Page, value: str) -> tuple[int, float]:
    """How many lines a figure value's words sit on, and their smallest font size (pt)."""
    words = page.extract_words(extra_attrs=["size"])
    parts = value.split()
    for index in range(len(words) - len(parts) + 1):
        run = words[index:index + len(parts)]
        if [word["text"] for word in run] == parts and run[0]["size"] > 10:
            tops = sorted(word["top"] for word in run)
            lines = 1 + sum(1 for above, below in zip(tops, tops[1:]) if below - above > 4)
            return lines, min(word["size"] for word in run)
    raise AssertionError(f"figure value {value!r} not found whole")


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_long_figure_values_stay_whole_and_readable(tmp_path: Path, paper: str) -> None:
    built = factsheet(DENSE, tmp_path, paper)
    figures = load_brief(DENSE).data["figures"]
    with pdfplumber.open(built.path) as pdf:
        page = pdf.pages[0]
        for figure in figures[:8]:
            lines, size = value_lines(page, figure["value"])
            assert size >= 11 - 0.01, figure["value"]  # the floor
            # Short values keep one line; only one too long for its cell at the floor takes a second.
            assert lines == 1 or (lines == 2 and len(figure["value"]) > 20), figure["value"]
    warning = [w.message for w in built.document.warnings if w.path == "figures"]
    assert warning == ["factsheet shows the first 8 of 14 figures (its limit); put the most important first, "
                       "or choose them in brief.factsheet.figures"]


def test_a_sparse_brief_is_set_larger_with_its_summary(tmp_path: Path) -> None:
    built = factsheet(CASES / "minimal" / "brief.yaml", tmp_path)
    assert contains_words(built.text, "IN BRIEF One paragraph.")
    with pdfplumber.open(built.path) as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["size"])
    sizes = {word["text"]: word["size"] for word in words}
    assert sizes["sentence."] >= 15  # the bottom line, at 10 pt on a full page
    assert sizes["claim."] >= 11  # the one claim at a glance, at 8 pt on a full page


def choosing_brief(tmp_path: Path, **choice: list) -> Path:
    claims = [{"id": f"c{n}", "kind": "fact", "text": f"Claim number {n} of the article."} for n in range(1, 7)]
    figures = [{"label": f"Figure {n}", "value": f"{n}00"} for n in range(1, 5)]
    data = small_brief(claims=claims, figures=figures)
    data["brief"] = dict(data["brief"], factsheet=choice)
    write_brief(tmp_path, data, "chosen.yaml")
    return tmp_path / "chosen.yaml"


def test_the_analyst_chooses_the_claims_and_figures_and_word_shows_the_same(tmp_path: Path) -> None:
    path = choosing_brief(tmp_path, claims=["c5", "c2"], figures=["Figure 3"])
    built = factsheet(path, tmp_path)
    brief = load_brief(path)
    assert shown_claims(built, brief.data["claims"]) == [("c5", "whole"), ("c2", "whole")]
    assert "The memo holds 4 more claims" in built.text
    assert "300" in built.text and not re.search(r"\b[124]00\b", built.text)
    assert built.document.warnings == ()
    options = BuildOptions(source_date_epoch=0)
    docx_writer.write(built.document, tmp_path / "factsheet.docx", options)
    word = "\n".join(paragraph.text for paragraph in docx.Document(str(tmp_path / "factsheet.docx")).paragraphs)
    word += "\n".join(cell.text for table in docx.Document(str(tmp_path / "factsheet.docx")).tables
                      for row in table.rows for cell in row.cells)
    assert word.index("Claim number 5") < word.index("Claim number 2")
    assert "Claim number 1 " not in word and "Claim number 3" not in word
    assert "300" in word and "Figure 3" in word and "Figure 1" not in word


def test_an_analysts_short_form_is_what_the_factsheet_shows(tmp_path: Path) -> None:
    claims = [{"id": "long", "kind": "assessment", "text": SENTENCE * 3, "short": "A long claim, in short."}]
    brief = write_brief(tmp_path, small_brief(claims=claims))
    built = write_pdf(render_html(brief, document_type("factsheet"), BuildOptions()), tmp_path / "f.pdf")
    assert glance_entries(built.html) == ["A long claim, in short."]
    assert "A long claim, in short." in built.text


def check_error(capsys: pytest.CaptureFixture[str], folder: Path, data: dict, key: str) -> tuple[Path, str]:
    """Write the brief, check it, and return its path and the one error line, which must be at `key`."""
    write_brief(folder, data, "brief.yaml")
    path = folder / "brief.yaml"
    line, column = load_brief(path).location(key)
    status = main(["check", str(path)])
    errors = capsys.readouterr().err.splitlines()
    assert status == 1 and len(errors) == 1, errors
    prefix = f"{path}:{line}:{column}: {key}: "
    assert errors[0].startswith(prefix), errors[0]
    return path, errors[0].removeprefix(prefix)


def test_a_choice_the_page_cannot_hold_is_a_check_error_at_its_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = [{"id": f"c{n}", "kind": "fact", "text": SENTENCE * 2} for n in range(60)]
    data = small_brief(claims=claims)
    data["brief"] = dict(data["brief"], factsheet={"claims": [claim["id"] for claim in claims]})

    path, message = check_error(capsys, tmp_path, data, "brief.factsheet.claims")

    assert re.fullmatch(
        r"the factsheet's page \(US Letter\) has room for (\d+) of the 60 claims chosen here \(with the "
        r"figures it shows\); choose at most \1, or give long ones a shorter `short`", message), message
    out = tmp_path / "out"
    assert main(["build", "-j", "1", str(path), "--out", str(out), "--paper", "letter"]) == 1
    assert any(line.endswith(message) for line in capsys.readouterr().err.splitlines())
    assert not [file for file in (out / "brief").iterdir() if not file.name.startswith(".")]


def test_a_bottom_line_too_long_for_the_page_is_a_check_error_at_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = small_brief()
    data["brief"] = dict(data["brief"], bottom_line=(SENTENCE * 62).strip())  # 4,600 of the 5,000 allowed

    _, message = check_error(capsys, tmp_path, data, "brief.bottom_line")

    assert re.fullmatch(r"too long for the factsheet's one page: with the title, bottom line and source line it "
                        r"needs \d+ mm of the page's 279 mm \(US Letter\); cut it by about \d+ per cent",
                        message), message


def test_a_timeline_event_too_long_to_draw_and_a_figure_label_too_long_for_its_cell_are_left_out(
        tmp_path: Path) -> None:
    data = small_brief(timeline=[{"date": "2001", "event": "Founded."}, {"date": "2002", "event": SENTENCE * 7}],
                       figures=[{"label": SENTENCE * 5, "value": "1"}, {"label": "Members", "value": "6"}])
    brief = write_brief(tmp_path, data)
    built = write_pdf(render_html(brief, document_type("factsheet"), BuildOptions()), tmp_path / "f.pdf")
    assert len(page_sizes_mm(built.path)) == 1
    assert "Founded." not in built.text and "Members" in built.text
    assert [(warning.path, warning.message) for warning in built.document.warnings] == [
        ("figures", "factsheet leaves out 1 figure whose label is longer than 300 characters; shorten the "
                    "label to show it"),
        ("timeline", "factsheet leaves the timeline out (an event longer than 400 characters cannot be drawn); "
                     "the slides show it")]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_what_check_skips_laying_out_fits_even_in_capital_ws(tmp_path: Path, paper: str) -> None:
    from compiler.factsheet import SURE_TO_FIT, may_not_fit

    data = small_brief()
    for key, width in SURE_TO_FIT.items():
        section, name = key.split(".")
        text = ("https://" + "W" * (width - 8)) if name == "url" else ("WWWWWWW " * width)[:width].strip()
        data[section] = dict(data[section], **{name: text})
    brief = write_brief(tmp_path, data)
    assert not may_not_fit(brief)  # `check` trusts these widths without a layout
    built = write_pdf(render_html(brief, document_type("factsheet"), BuildOptions(paper=paper)),
                      tmp_path / "f.pdf", BuildOptions(paper=paper))
    assert len(page_sizes_mm(built.path)) == 1 and "One claim." in built.text
