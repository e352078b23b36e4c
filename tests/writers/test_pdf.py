"""The PDF writer: what a reader finds in the memo, slides and factsheet of real briefs."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from compiler import layout
from compiler.content import load_brief
from compiler.diagnostics import RenderError
from compiler.doctypes import document_type
from compiler.document import BuildOptions
from compiler.fonts import font_files
from compiler.locations import TEMPLATES_DIR
from compiler.markup import plain_text
from compiler.render import render_html
from compiler.writers import pdf as pdf_writer
from tests.hostile.reading import pdf_word_boxes
from tests.render.reading import (CASES, SCO_BRIEF, BuiltPdf, build_pdfs, contains_words,
                                  embedded_fonts, letters, page_sizes_mm, runs_over_pages, small_brief,
                                  write_brief, write_pdf)

A4 = (210.0, 297.0)
RTL_WORD = re.compile(r"[\u0590-\u05ff\u0600-\u06ff]+")
LETTER = (215.9, 279.4)


@pytest.fixture(scope="module")
def sco(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltPdf]:
    return build_pdfs(load_brief(SCO_BRIEF), tmp_path_factory.mktemp("sco"))


@pytest.fixture(scope="module")
def sco_brief() -> dict:
    return load_brief(SCO_BRIEF).data


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltPdf]:
    return build_pdfs(load_brief(CASES / "elsewhere-large" / "brief.yaml"), tmp_path_factory.mktemp("large"))


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltPdf]:
    return build_pdfs(load_brief(CASES / "multilingual" / "brief.yaml"), tmp_path_factory.mktemp("ml"))


def assert_size(sizes: list[tuple[float, float]], expected: tuple[float, float]) -> None:
    for width, height in sizes:
        assert width == pytest.approx(expected[0], abs=0.5) and height == pytest.approx(expected[1], abs=0.5)


# The memo ------------------------------------------------------------------------------------------

def test_memo_has_every_claim_the_bottom_line_and_every_figure(sco: dict[str, BuiltPdf], sco_brief: dict) -> None:
    text = sco["memo"].text
    assert contains_words(text, sco_brief["brief"]["bottom_line"])
    for claim in sco_brief["claims"]:
        assert contains_words(text, claim["text"]), claim["id"]
        for quote in claim.get("quotes", []):
            assert contains_words(text, quote["text"]), quote["text"]
    for figure in sco_brief["figures"]:
        assert contains_words(text, str(figure["value"])) and contains_words(text, figure["label"])


def test_memo_reads_in_the_designed_order(sco: dict[str, BuiltPdf]) -> None:
    squeezed = letters(sco["memo"].text).lower()
    position = 0
    for heading in ("Bottom line", "Summary", "Key figures", "What the article claims", "Facts",
                    "Assessments", "Proposals", "Goals the article sets", "Implications", "Source"):
        position = squeezed.find(letters(heading).lower(), position)
        assert position >= 0, heading


def test_memo_sco_is_two_to_four_a4_pages(sco: dict[str, BuiltPdf]) -> None:
    sizes = page_sizes_mm(sco["memo"].path)
    assert 2 <= len(sizes) <= 4
    assert_size(sizes, A4)


def test_memo_pages_say_page_x_of_y_and_the_classification(sco: dict[str, BuiltPdf]) -> None:
    pages = sco["memo"].text.split("\f")[:-1]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert page.count("PUBLIC") >= 2  # top and bottom


def test_memo_says_the_quotes_were_verified(sco: dict[str, BuiltPdf], sco_brief: dict) -> None:
    quotes = sum(len(c.get("quotes", [])) for c in sco_brief["claims"])
    quotes += sum(1 for f in sco_brief.get("figures", []) if f.get("quote"))
    assert f"All {quotes} quotes were verified against the source text." in sco["memo"].text


def test_memo_cites_the_paragraph_of_each_quote(sco: dict[str, BuiltPdf]) -> None:
    assert re.search(r"“officially came into being on June, 15, 2001”\s*¶\s*3", sco["memo"].text)


def test_memo_on_letter_paper(tmp_path: Path) -> None:
    options = BuildOptions(paper="letter")
    document = render_html(load_brief(SCO_BRIEF), document_type("memo"), options)
    built = write_pdf(document, tmp_path / "memo.pdf", options)
    assert_size(page_sizes_mm(built.path), LETTER)


def test_memo_has_bookmarks_from_its_headings(sco: dict[str, BuiltPdf]) -> None:
    def titles(outline: list) -> list[str]:
        found = []
        for item in outline:
            found += titles(item) if isinstance(item, list) else [item.title]
        return found

    bookmarks = titles(sco["memo"].reader.outline)
    for heading in ("Bottom line", "Summary", "What the article claims", "Implications", "Source"):
        assert heading in bookmarks


def test_memo_metadata(sco: dict[str, BuiltPdf], sco_brief: dict) -> None:
    metadata = sco["memo"].reader.metadata
    assert metadata.title == plain_text(sco_brief["brief"]["title"])
    assert metadata.author == sco_brief["brief"]["author"]
    assert letters(metadata.subject) == letters(plain_text(sco_brief["brief"]["bottom_line"]))
    assert metadata["/Keywords"] == ", ".join(sco_brief["brief"]["keywords"])


def test_pdfs_are_tagged(sco: dict[str, BuiltPdf]) -> None:
    for built in sco.values():
        root = built.reader.trailer["/Root"]
        assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root


def test_pdf_a_variant(tmp_path: Path) -> None:
    options = BuildOptions(pdf_variant="pdf/a-3b")
    document = render_html(load_brief(CASES / "minimal" / "brief.yaml"), document_type("memo"), options)
    built = write_pdf(document, tmp_path / "memo.pdf", options)
    xmp = built.reader.xmp_metadata
    assert xmp is not None and re.search(rb"pdfaid:part[^0-9]{1,3}3", xmp.stream.get_data())


def test_only_the_declared_fonts_are_embedded_and_subset(sco: dict[str, BuiltPdf]) -> None:
    for built in sco.values():
        for page in built.reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font.get("/DescendantFonts", [font])[0].get_object()["/FontDescriptor"]
                assert re.fullmatch(r"/[A-Z]{6}\+Briefing-.+", str(descriptor.get_object()["/FontName"]))


# The slides ----------------------------------------------------------------------------------------

def test_slides_are_16_by_9_one_slide_a_page(sco: dict[str, BuiltPdf]) -> None:
    sizes = page_sizes_mm(sco["slides"].path)
    assert all(width / height == pytest.approx(16 / 9, rel=0.002) for width, height in sizes)
    assert len(sizes) == sco["slides"].html.count('<section class="slide')


def test_slides_are_numbered(sco: dict[str, BuiltPdf]) -> None:
    pages = sco["slides"].text.split("\f")[:-1]
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"(^|\n){number}\s*$", page.strip()), number


def test_slides_show_every_claim_and_continue_long_groups(sco: dict[str, BuiltPdf], sco_brief: dict) -> None:
    text = sco["slides"].raw_text
    for claim in sco_brief["claims"]:
        assert contains_words(text, claim["text"]), claim["id"]
    assert "(continued)" in text


def test_slides_put_several_claims_on_a_slide(sco: dict[str, BuiltPdf], sco_brief: dict) -> None:
    # 14 claims of two to four lines, each with a quote: one slide each was the old deck's habit.
    titles = re.findall(r"<h1>(The article rests on|The author offers|The article proposes)", sco["slides"].html)
    assert len(sco_brief["claims"]) == 14
    assert len(titles) <= 8
    assert len(page_sizes_mm(sco["slides"].path)) <= 19


def test_slides_body_text_is_at_least_24pt_on_a_13_33_inch_slide(sco: dict[str, BuiltPdf]) -> None:
    width_pt = float(sco["slides"].reader.pages[0].mediabox.width)
    smallest = 24 * width_pt / (13.333 * 72)
    css = (TEMPLATES_DIR / "slides.css").read_text()
    body = float(re.search(r"body \{ font-size: ([\d.]+)pt", css).group(1))
    assert body >= smallest - 0.05


def test_speaker_notes_are_hidden_in_the_pdf(sco: dict[str, BuiltPdf]) -> None:
    assert '<aside class="notes">' in sco["slides"].html
    assert "Analyst’s note" not in sco["slides"].text and "Claim 1 (fact)" not in sco["slides"].text


# Letter-spaced labels ------------------------------------------------------------------------------

@pytest.mark.parametrize("document, labels", [
    ("memo", ["BOTTOM LINE", "BRIEFING MEMO"]),
    ("slides", ["BOTTOM LINE", "FACTS: CHECKABLE STATEMENTS OF FACT", "GOAL THE ARTICLE SETS"]),
    ("factsheet", ["BOTTOM LINE", "KEY FIGURES", "CLAIMS AT A GLANCE", "FACTSHEET"]),
])
def test_spaced_capital_labels_extract_as_whole_words(sco: dict[str, BuiltPdf], document: str,
                                                       labels: list[str]) -> None:
    lines = sco[document].text.splitlines()
    for label in labels:
        assert label in lines, label


# The factsheet -------------------------------------------------------------------------------------

def test_factsheet_is_one_page(sco: dict[str, BuiltPdf], large: dict[str, BuiltPdf]) -> None:
    for built in (sco["factsheet"], large["factsheet"]):
        assert len(page_sizes_mm(built.path)) == 1


def test_factsheet_shows_seven_figures_without_a_warning(sco: dict[str, BuiltPdf]) -> None:
    assert sco["factsheet"].document.warnings == ()


def test_seventy_long_claims_make_a_one_page_factsheet_that_names_what_it_left_out(tmp_path: Path) -> None:
    # What the factsheet chooses, and how, is tested in tests/render/test_factsheet.py.
    claims = [{"id": f"c{n}", "kind": "fact", "text": SENTENCE * 3} for n in range(70)]
    brief = write_brief(tmp_path, small_brief(claims=claims))
    document = render_html(brief, document_type("factsheet"), BuildOptions())
    built = write_pdf(document, tmp_path / "factsheet.pdf")
    assert len(page_sizes_mm(built.path)) == 1
    assert built.result.warnings == ()
    [warning] = document.warnings
    assert warning.path == "claims" and "left out: c" in warning.message


SENTENCE = "The article makes a long and winding claim that goes on for a good while. "


def test_a_claim_longer_than_a_slide_continues_on_the_next(tmp_path: Path) -> None:
    brief = write_brief(tmp_path, small_brief(claims=[{"id": "c", "kind": "fact", "text": SENTENCE * 30}]))
    built = write_pdf(render_html(brief, document_type("slides"), BuildOptions()), tmp_path / "slides.pdf")
    assert "slide 4 “The article rests on 1 checkable fact (continued)”" in built.html
    assert runs_over_pages(built.raw_text.split("\f"), SENTENCE * 30)


# Other briefs --------------------------------------------------------------------------------------

def test_chinese_and_russian_text_renders_with_the_declared_fonts(multilingual: dict[str, BuiltPdf]) -> None:
    data = load_brief(CASES / "multilingual" / "brief.yaml").data
    text = multilingual["memo"].text
    assert "上海合作组织" in text and "Шанхайская организация сотрудничества" in text
    assert contains_words(text, data["brief"]["bottom_line"])
    fonts = embedded_fonts(multilingual["memo"].path)
    assert "Briefing-CJK" in fonts and {"Briefing-Sans", "Briefing-Serif"} <= fonts


def test_hebrew_and_arabic_render_with_the_declared_fonts(tmp_path: Path) -> None:
    brief = load_brief(CASES / "rtl" / "brief.yaml")
    built = build_pdfs(brief, tmp_path, BuildOptions(source_date_epoch=0))
    words = {word for field in (brief.data["brief"]["bottom_line"], *(c["text"] for c in brief.data["claims"]))
             for word in RTL_WORD.findall(field)}
    assert {"הירדן", "الميت"} <= words
    for name in ("memo", "factsheet"):
        # pypdf, not pdftotext: pdftotext turns Arabic ligatures (لأ) round when it reorders the line.
        text = "\n".join(page.extract_text() for page in built[name].reader.pages)
        assert sorted(word for word in words if word not in text) == [], name
    # Serif text takes the serif Hebrew face and Naskh; sans text the sans faces.
    assert {"Briefing-Hebrew-Serif", "Briefing-Arabic-Naskh"} <= embedded_fonts(built["memo"].path)
    assert {"Briefing-Hebrew-Sans", "Briefing-Arabic-Sans"} <= embedded_fonts(built["factsheet"].path)


def test_a_paragraph_in_hebrew_is_set_from_the_right(tmp_path: Path) -> None:
    brief = load_brief(CASES / "rtl" / "brief.yaml")
    memo = write_pdf(render_html(brief, document_type("memo"), BuildOptions()), tmp_path / "memo.pdf")
    boxes = pdf_word_boxes(memo.path)
    # The summary's second paragraph is "מים משותפים, נתונים משותפים." (pdftotext gives words as drawn).
    last_word = [box for box in boxes if box.text[::-1] == "משותפים."]
    assert len(last_word) == 1
    line = [box for box in boxes if box.page == 1 and box.y_max == pytest.approx(last_word[0].y_max, abs=1)]
    width = last_word[0].page_width
    assert [box.text[::-1] for box in sorted(line, key=lambda box: -box.x_min)] == [
        "מים", "משותפים,", "נתונים", "משותפים."]
    assert width / 2 < last_word[0].x_min  # the short line sits at the right, its full stop at its left end
    english = [box for box in boxes if box.text == "sets"]  # "The article sets out ...", the paragraph before
    assert len(english) == 1 and english[0].x_min < width / 3


def test_larger_brief_builds_within_budgets(large: dict[str, BuiltPdf]) -> None:
    assert 2 <= len(page_sizes_mm(large["memo"].path)) <= 4
    assert all(not warning.startswith("memo runs") for warning in large["memo"].result.warnings)
    assert len(page_sizes_mm(large["slides"].path)) == large["slides"].html.count('<section class="slide')


# The resource sandbox ------------------------------------------------------------------------------

@pytest.mark.parametrize("reference", [
    '<img src="file:///etc/passwd">',
    '<img src="http://example.org/x.png">',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<link rel="stylesheet" href="../compiler/render.py">',
    '<style>@import url("file:///etc/hosts");</style>',
])
def test_resources_outside_templates_and_fonts_are_refused(reference: str, tmp_path: Path) -> None:
    memo = render_html(load_brief(CASES / "minimal" / "brief.yaml"), document_type("memo"), BuildOptions())
    document = replace(memo, html=memo.html.replace("</head>", f"{reference}</head>"))
    with pytest.raises(RenderError, match=r"^memo: refused to load "):
        pdf_writer.write(document, tmp_path / "memo.pdf", BuildOptions())


def test_templates_and_declared_fonts_are_allowed() -> None:
    stylesheet = (TEMPLATES_DIR / "memo.css").as_uri()
    assert layout.resolve_allowed(stylesheet) == TEMPLATES_DIR / "memo.css"
    for path in font_files():
        assert layout.resolve_allowed(path.as_uri()) == path


def test_a_missing_harfbuzz_subsetter_is_a_build_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint.text.ffi

    monkeypatch.setattr(weasyprint.text.ffi, "harfbuzz_subset", None)
    pdf_writer.check_subsetter.cache_clear()
    try:
        assert pdf_writer.check_subsetter() == (
            "libharfbuzz-subset0 (HarfBuzz 4.1 or later) is missing: fonts are subset with fontTools, "
            "which is much slower; install it with scripts/setup-system",)
    finally:
        monkeypatch.undo()
        pdf_writer.check_subsetter.cache_clear()
    assert pdf_writer.check_subsetter() == ()  # this machine has it (scripts/setup-system installs it)


def test_larger_brief_factsheet_fits_one_letter_page(tmp_path: Path) -> None:
    options = BuildOptions(paper="letter")
    brief = load_brief(CASES / "elsewhere-large" / "brief.yaml")
    built = write_pdf(render_html(brief, document_type("factsheet"), options), tmp_path / "f.pdf", options)
    sizes = page_sizes_mm(built.path)
    assert len(sizes) == 1
    assert_size(sizes, LETTER)


def test_claims_too_long_for_any_slide_each_continue_over_slides(tmp_path: Path) -> None:
    # Four claims each longer than a slide: every one is split over slides, none is refused.
    words = " ".join(["The article argues at length about regional cooperation"] * 60)
    claims = [{"id": f"c{n}", "kind": "fact", "text": f"Claim {n}: {words}"} for n in range(4)]
    brief = write_brief(tmp_path, small_brief(claims=claims))
    built = write_pdf(render_html(brief, document_type("slides"), BuildOptions()), tmp_path / "slides.pdf")
    pages = built.text.split("\f")
    starts = [next(index for index, page in enumerate(pages) if f"Claim {n}:" in page) for n in range(4)]
    assert starts == sorted(starts) and len(set(starts)) == 4
    assert len(pages) - 1 == built.html.count('<section class="slide') >= 4 + 4
