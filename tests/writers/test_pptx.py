"""The PowerPoint deck, read back with python-pptx and drawn by LibreOffice Impress.

Each deck is built by the command line from a real brief: the SCO brief and the large case. What a
presenter sees is checked: the layout of every slide by name, that every text is in a placeholder,
the words of each slide against the same page of slides.pdf, the notes against the Word outline,
and, from Impress's own PDF of the deck, that no word leaves its slide or lies over another.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath

import docx
import pdfplumber
import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from compiler.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCO = ROOT / "content" / "sco-2012.yaml"
LARGE = ROOT / "tests" / "cases" / "elsewhere-large" / "brief.yaml"
REFERENCE = ROOT / "templates" / "reference.pptx"
EPOCH = "1764201600"  # 2025-11-27T00:00:00Z
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
HIDDEN_TEXT_PT = 2.0  # the PDF deck carries its classification once more, 1 pt and transparent, for its header
CONTENT_PLACEHOLDERS = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.SUBTITLE,
                        PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.FOOTER,
                        PP_PLACEHOLDER.SLIDE_NUMBER}


def build(out: Path, *briefs: Path, formats: str = "pdf,docx,pptx", extra: tuple[str, ...] = ()) -> int:
    return main(["build", "--out", str(out), "-j", "1", "--format", formats, *extra, *map(str, briefs)])


# Far from SCO: one claim, many scripts, right to left, and the size cases of "fits any brief" (tests/cases/size-*).
SIZES = tuple(sorted(path.parent.name for path in (ROOT / "tests" / "cases").glob("size-*/brief.yaml")))
CASES = ("minimal", "multilingual", "rtl", *SIZES)
# Hostile text that must print literally: HTML, Jinja, Markdown beyond ours, links to file: and javascript:.
HOSTILE = ("html-tags", "jinja-syntax", "markdown-tricks", "css-injection", "long-word")
BREAKS_WORDS = {"long-word"}  # words longer than a line, which the PDF breaks across lines
DECKS = {"sco": "sco-2012", "large": "brief", **{case: case for case in CASES + HOSTILE}}  # -> output folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SCO, the large case and the small cases, built once as PDF, Word and PowerPoint."""
    out = tmp_path_factory.mktemp("decks")
    briefs = [SCO, LARGE]
    for case in CASES + HOSTILE:  # each case is a brief.yaml: copied under its own name, for its own folder
        source = ROOT / "tests" / ("cases" if case in CASES else "hostile") / case
        folder = shutil.copytree(source, out.parent / f"{out.name}-cases" / case)
        briefs.append((folder / "brief.yaml").rename(folder / f"{case}.yaml"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert build(out, briefs[0]) == 0  # the SCO deck's Word outline carries the notes compared
        assert build(out, *briefs[1:], formats="pdf,pptx") == 0
    return out


def words(text: str) -> list[str]:
    """The words of a text as a reader compares them: case and punctuation aside, and a right-to-left
    word by its letters (pdfplumber reads Hebrew and Arabic in drawn order, ligatures split)."""
    found = re.sub(r"[^\w]+", " ", unicodedata.normalize("NFKC", text).casefold()).split()
    return ["".join(sorted(word)) if any(unicodedata.bidirectional(c) in ("R", "AL") for c in word) else word
            for word in found]


def slide_texts(slide) -> list[str]:
    """Every text on a slide: each shape's, a table's cell by cell."""
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        elif shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return texts


def pdf_page_words(page) -> list[str]:
    visible = page.filter(lambda obj: obj.get("object_type") != "char" or obj.get("size", 0) >= HIDDEN_TEXT_PT)
    return words(visible.extract_text() or "")


def placeholder_kind(shape) -> PP_PLACEHOLDER:
    return shape.placeholder_format.type


@pytest.mark.parametrize("deck", DECKS)
def test_every_slide_is_on_a_named_layout_with_only_placeholders(built: Path, deck: str) -> None:
    presentation = Presentation(str(built / DECKS[deck] / "slides.pptx"))
    layouts = [slide.slide_layout.name for slide in presentation.slides]
    assert layouts[0] == "Title Slide"
    assert set(layouts[1:]) == {"Title and Content"}
    for number, slide in enumerate(presentation.slides, start=1):
        assert all(shape.is_placeholder for shape in slide.shapes), f"slide {number}: a shape outside a placeholder"
        kinds = sorted(str(placeholder_kind(shape)) for shape in slide.shapes)
        assert {placeholder_kind(shape) for shape in slide.shapes} <= CONTENT_PLACEHOLDERS
        expected_title = PP_PLACEHOLDER.CENTER_TITLE if number == 1 else PP_PLACEHOLDER.TITLE
        assert str(expected_title) in kinds, kinds
        # The footer: classification and short title; the title slide's has only the classification.
        classified = bool(presentation.core_properties.category)
        assert (str(PP_PLACEHOLDER.FOOTER) in kinds) == (number > 1 or classified), kinds
        number_shape = next(s for s in slide.shapes if placeholder_kind(s) == PP_PLACEHOLDER.SLIDE_NUMBER)
        assert number_shape.text_frame.text == str(number)
        assert number_shape._element.find(".//{*}fld").get("type") == "slidenum"


@pytest.mark.parametrize("deck", DECKS)
def test_every_slide_has_the_words_of_the_pdf_deck_page(built: Path, deck: str) -> None:
    folder = built / DECKS[deck]
    presentation = Presentation(str(folder / "slides.pptx"))
    with pdfplumber.open(folder / "slides.pdf") as pdf:
        pages = [pdf_page_words(page) for page in pdf.pages]
    slides = [words(" ".join(slide_texts(slide))) for slide in presentation.slides]
    assert len(slides) == len(pages)
    for number, (slide, page) in enumerate(zip(slides, pages), start=1):
        if deck in BREAKS_WORDS:  # the PDF breaks a word longer than its line: compare the letters
            slide, page = list("".join(slide)), list("".join(page))
        assert Counter(slide) == Counter(page), f"slide {number}"


def word_outline_notes(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Speaker Notes"]


def test_notes_pane_carries_the_word_outline_notes_with_each_claims_kind(built: Path) -> None:
    folder = built / DECKS["sco"]
    presentation = Presentation(str(folder / "slides.pptx"))
    notes = [paragraph.text for slide in presentation.slides if slide.has_notes_slide
             for paragraph in slide.notes_slide.notes_text_frame.paragraphs]
    assert notes == word_outline_notes(folder / "slides.docx")
    claims = [line for line in notes if line.startswith("Claim ")]
    assert len(claims) == 14
    assert all(re.match(r"Claim \d+ \((fact|assessment|proposal)\): ", line) for line in claims)


def test_core_properties_and_classification_come_from_the_brief(built: Path) -> None:
    presentation = Presentation(str(built / DECKS["sco"] / "slides.pptx"))
    core = presentation.core_properties
    assert core.title == "The SCO as Beijing presents it"
    assert core.author == "Briefing desk"
    assert core.subject.startswith("A Party-journal article (written 2012, in English 2013) presents the SCO")
    assert core.language == "en"
    assert core.keywords == ("Shanghai Cooperation Organization, SCO, China, Russia, Central Asia, "
                             "regional security, Qiushi")
    assert core.category == "PUBLIC"
    assert core.created.isoformat() == "2025-11-27T00:00:00"
    footers = [next(s for s in slide.shapes if placeholder_kind(s) == PP_PLACEHOLDER.FOOTER).text_frame.text
               for slide in presentation.slides]
    assert footers[0] == "PUBLIC"
    assert set(footers[1:]) == {"PUBLIC  ·  The SCO as Beijing presents it"}


def deck_links(path: Path) -> list[tuple[str, str]]:
    """(text, address) of every hyperlink in a deck's text, as a reader sees them: consecutive runs of a
    paragraph that link to the same address are one link (the writer cuts a long link's runs where it may wrap)."""
    links = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                last = None
                for run in paragraph.runs:
                    address = run.hyperlink.address
                    if address and address == last:
                        links[-1] = (links[-1][0] + run.text, address)
                    elif address:
                        links.append((run.text, address))
                    last = address
    return links


def test_markdown_tricks_stay_text_and_only_web_and_mail_links_link(built: Path) -> None:
    deck = built / DECKS["markdown-tricks"] / "slides.pptx"
    assert sorted(deck_links(deck)) == [("mail", "mailto:desk@example.org"), ("remote", "https://evil.example/t.png")]
    text = "\n".join(" ".join(slide_texts(slide)) for slide in Presentation(str(deck)).slides)
    assert "![image](file:///etc/passwd) and !remote" in text
    assert "mail and [entity](&#106;avascript:alert(4)) and [vb](vbscript:msgbox)" in text
    check_package(deck)


def test_links_are_hyperlinks_to_the_web_only(built: Path) -> None:
    links = deck_links(built / DECKS["large"] / "slides.pptx")
    assert links == [("review schedule", "https://example.org/kessra/review"),
                     ("https://example.org/water-policy-review/kessra", "https://example.org/water-policy-review/kessra")]
    with zipfile.ZipFile(built / DECKS["large"] / "slides.pptx") as package:
        external = [rel for name in package.namelist() if name.endswith(".rels")
                    for rel in etree.fromstring(package.read(name)) if rel.get("TargetMode") == "External"]
    assert {rel.get("Type").rsplit("/", 1)[1] for rel in external} == {"hyperlink"}
    assert all(rel.get("Target").startswith(("https://", "http://", "mailto:")) for rel in external)


def test_a_brief_built_twice_gives_identical_bytes(built: Path, tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert build(tmp_path, SCO, formats="pptx") == 0
    assert (tmp_path / DECKS["sco"] / "slides.pptx").read_bytes() == (built / DECKS["sco"] / "slides.pptx").read_bytes()
    with zipfile.ZipFile(tmp_path / DECKS["sco"] / "slides.pptx") as package:
        assert {entry.date_time for entry in package.infolist()} == {(2025, 11, 27, 0, 0, 0)}


def test_the_reference_deck_script_gives_the_same_bytes(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "make-reference-pptx"
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(script), "--out", str(tmp_path / "r.pptx")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "r.pptx").read_bytes() == REFERENCE.read_bytes()
    layouts = [layout.name for layout in Presentation(str(REFERENCE)).slide_layouts]
    assert layouts == ["Title Slide", "Title and Content", "Section Header", "Two Content", "Title Only", "Blank"]
    assert Presentation(str(REFERENCE)).slide_width * 9 == Presentation(str(REFERENCE)).slide_height * 16


# The package is one PowerPoint opens without offering to repair it --------------------------------

def check_package(path: Path) -> None:
    """Every relationship points at a part that exists, every part is typed, ids are unique."""
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        types = etree.fromstring(package.read("[Content_Types].xml"))
        defaults = {found.get("Extension") for found in types if found.tag.endswith("Default")}
        overrides = {found.get("PartName").lstrip("/") for found in types if found.tag.endswith("Override")}
        for name in names:
            assert name in overrides or name.rsplit(".", 1)[-1] in defaults, f"{name}: no content type"
        for name in (n for n in names if n.endswith(".rels")):
            folder = PurePosixPath(name).parent.parent
            ids = []
            for rel in etree.fromstring(package.read(name)):
                ids.append(rel.get("Id"))
                if rel.get("TargetMode") != "External":
                    target = str(PurePosixPath(folder, rel.get("Target")))
                    target = re.sub(r"[^/]+/\.\./", "", target).lstrip("/")
                    assert target in names, f"{name}: {rel.get('Target')} is missing"
            assert len(ids) == len(set(ids)), name
            owner = str(PurePosixPath(folder, PurePosixPath(name).name.removesuffix(".rels")))
            if owner in names and owner.endswith(".xml"):
                used = set(re.findall(rb'r:(?:id|embed|link|pict)="([^"]+)"', package.read(owner)))
                assert {value.decode() for value in used} <= set(ids), f"{owner}: refers to a missing relationship"
        presentation = package.read("ppt/presentation.xml")
        slide_ids = re.findall(rb'<p:sldId id="(\d+)"', presentation)
        assert len(slide_ids) == len(set(slide_ids))
        layout_ids = re.findall(rb'<p:sldLayoutId id="(\d+)"', b"".join(
            package.read(n) for n in names if n.startswith("ppt/slideMasters/slideMaster") and n.endswith(".xml")))
        assert len(layout_ids) == len(set(layout_ids))
        assert not [n for n in names if "thumbnail" in n or "vbaProject" in n]


def test_our_decks_are_whole_packages(built: Path) -> None:
    for folder in DECKS.values():
        check_package(built / folder / "slides.pptx")


# Other references: pandoc's, one LibreOffice resaved, one lacking a layout ---------------------------

def pandoc_path() -> str | None:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return shutil.which("pandoc")


@pytest.fixture(scope="module")
def pandoc_reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pandoc = pandoc_path()
    if not pandoc:
        pytest.skip("pandoc is not installed (pip install pypandoc-binary, or apt-get install pandoc)")
    path = tmp_path_factory.mktemp("pandoc") / "reference.pptx"
    subprocess.run([pandoc, "-o", str(path), "--print-default-data-file", "reference.pptx"], check=True, timeout=60)
    return path


def deck_content(path: Path) -> tuple[list[str], list[str]]:
    """A deck's titles and its body paragraphs, in order, each once (a continued slide repeats its title and
    eyebrow), "(continued)" aside: what a reference deck may spread differently but never change."""
    titles, paragraphs = [], []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            kind = placeholder_kind(shape)
            if kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
                titles.append(shape.text_frame.text.removesuffix(" (continued)"))
            elif kind not in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER):
                frames = [shape.text_frame] if shape.has_text_frame else [
                    cell.text_frame for row in shape.table.rows for cell in row.cells]
                paragraphs += [p.text for frame in frames for p in frame.paragraphs if p.text]
    return list(dict.fromkeys(titles)), list(dict.fromkeys(paragraphs))


@pytest.fixture(scope="module")
def pandoc_deck(pandoc_reference: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SCO deck on pandoc's reference deck (10 x 5.63 in, Calibri, 24 pt body)."""
    out = tmp_path_factory.mktemp("on-pandoc")
    assert build(out, SCO, formats="pptx", extra=("--reference-pptx", str(pandoc_reference))) == 0
    return out / DECKS["sco"] / "slides.pptx"


def test_pandocs_reference_deck_serves(built: Path, pandoc_reference: Path, pandoc_deck: Path) -> None:
    assert len(Presentation(str(pandoc_reference)).slides) > 0  # it has slides of its own, to be removed
    deck = pandoc_deck
    check_package(deck)
    presentation = Presentation(str(deck))
    assert presentation.slide_width == Presentation(str(pandoc_reference)).slide_width
    assert {slide.slide_layout.name for slide in presentation.slides} == {"Title Slide", "Title and Content"}
    assert deck_content(deck) == deck_content(built / DECKS["sco"] / "slides.pptx")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (scripts/setup-system test)")
def test_a_reference_resaved_by_libreoffice_serves(built: Path, tmp_path: Path) -> None:
    resaved = tmp_path / "resaved"
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "pptx", "--outdir", str(resaved), str(REFERENCE)],
                   check=True, capture_output=True, timeout=180)
    reference = resaved / "reference.pptx"
    assert len(Presentation(str(reference)).slides) == 1  # Impress saves a slide of its own, to be removed
    out = tmp_path / "out"
    assert build(out, SCO, formats="pptx", extra=("--reference-pptx", str(reference))) == 0
    deck = out / DECKS["sco"] / "slides.pptx"
    check_package(deck)
    # Impress renames the layouts ("Title, Content"); the deck finds them under those names.
    assert {slide.slide_layout.name for slide in Presentation(str(deck)).slides} == {"Title Slide", "Title, Content"}
    assert deck_content(deck) == deck_content(built / DECKS["sco"] / "slides.pptx")


def without_layouts(source: Path, target: Path, keep: set[str], rename: dict[str, str] | None = None) -> Path:
    """A copy of a reference deck with only the layouts in `keep`, some renamed."""
    presentation = Presentation(str(source))
    master = presentation.slide_master
    id_list = master._element.find("{*}sldLayoutIdLst")
    for entry in list(id_list):
        rel_id = entry.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        layout = master.part.related_part(rel_id).slide_layout
        if layout.name not in keep:
            id_list.remove(entry)
            master.part.drop_rel(rel_id)
        elif rename and layout.name in rename:
            layout.name = rename[layout.name]
    presentation.save(str(target))
    return target


def test_a_reference_without_a_needed_layout_is_refused_naming_the_layouts_it_has(tmp_path: Path) -> None:
    reference = without_layouts(REFERENCE, tmp_path / "two.pptx", {"Title Slide", "Title Only", "Blank"})
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "briefing"), "build", "--out", str(tmp_path / "out"),
                          "--format", "pptx", "--reference-pptx", str(reference), str(SCO)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"{SCO}:1:1: slides.pptx: {reference}: has no layout 'Title and Content' with a title and a body "
        "placeholder, nor another layout with both; its layouts: 'Title Slide', 'Title Only', 'Blank'; add "
        "one (in PowerPoint: View > Slide Master) or use templates/reference.pptx"]
    assert not (tmp_path / "out" / DECKS["sco"] / "slides.pptx").exists()


def test_a_layout_under_another_name_stands_in_by_its_placeholders(tmp_path: Path) -> None:
    reference = without_layouts(REFERENCE, tmp_path / "renamed.pptx", {"Title Slide", "Title and Content"},
                                rename={"Title and Content": "Evidence"})
    out = tmp_path / "out"
    assert build(out, SCO, formats="pptx", extra=("--reference-pptx", str(reference))) == 0
    layouts = {slide.slide_layout.name for slide in Presentation(str(out / DECKS["sco"] / "slides.pptx")).slides}
    assert layouts == {"Title Slide", "Evidence"}


def test_a_file_that_is_no_deck_is_refused_by_the_command_line(tmp_path: Path, capsys) -> None:
    fake = tmp_path / "notes.pptx"
    fake.write_text("not a zip")
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--reference-pptx", str(fake), str(SCO)])
    assert stopped.value.code == 2
    assert f"{fake}: not a PowerPoint deck" in capsys.readouterr().err


# Incremental builds and the edited-file guard ---------------------------------------------------------

def test_a_reference_pptx_rebuilds_the_deck_only_and_an_edited_deck_is_kept(built: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert build(out, SCO, formats="pdf,pptx") == 0
    assert build(out, SCO, formats="pdf,pptx", extra=("--check",)) == 0
    reference = without_layouts(REFERENCE, tmp_path / "house.pptx", {"Title Slide", "Title and Content"})
    capsys.readouterr()
    assert build(out, SCO, formats="pdf,pptx", extra=("--check", "--reference-pptx", str(reference))) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{out / DECKS['sco'] / 'slides.pptx'}:1:1: out of date: reference pptx changed, options changed"]
    deck = out / DECKS["sco"] / "slides.pptx"
    deck.write_bytes(deck.read_bytes() + b"\0")  # a colleague's edit
    assert build(out, SCO, formats="pdf,pptx", extra=("--reference-pptx", str(reference))) == 1
    assert "was edited since the last build; wrote slides.new.pptx beside it" in capsys.readouterr().err
    assert (out / DECKS["sco"] / "slides.new.pptx").exists()


# Impress draws every deck: no word off its slide, none over another ----------------------------------

def overlaps(a: dict, b: dict, slack: float = 0.5) -> bool:
    return (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > slack
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack)


DRAWN = ("sco", "large", "minimal", "multilingual", "rtl", "long-word", *SIZES)  # hostile text adds no layout


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (scripts/setup-system test)")
@pytest.mark.parametrize("deck", [*DRAWN, "sco on pandoc's reference"])
def test_impress_draws_every_word_inside_its_slide_and_clear_of_the_others(built: Path, deck: str,
                                                                          tmp_path: Path, request) -> None:
    path = request.getfixturevalue("pandoc_deck") if deck not in DECKS else built / DECKS[deck] / "slides.pptx"
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=300)
    with pdfplumber.open(tmp_path / "slides.pdf") as pdf:
        assert len(pdf.pages) == len(Presentation(str(path)).slides)
        for number, page in enumerate(pdf.pages, start=1):
            found = page.extract_words(use_text_flow=True, keep_blank_chars=False)
            assert found, f"slide {number} is blank"
            for word in found:
                assert 0 <= word["x0"] and word["x1"] <= page.width, f"slide {number}: {word['text']!r} off the side"
                assert 0 <= word["top"] and word["bottom"] <= page.height, f"slide {number}: {word['text']!r} off the foot"
            for index, word in enumerate(found):
                for other in found[index + 1:]:
                    assert not overlaps(word, other), f"slide {number}: {word['text']!r} over {other['text']!r}"


def test_a_reference_decks_links_out_are_neither_followed_nor_copied(tmp_path: Path) -> None:
    presentation = Presentation(str(REFERENCE))
    layout = next(found for found in presentation.slide_layouts if found.name == "Title and Content")
    secret = layout.part.relate_to("file:///etc/passwd", "http://schemas.openxmlformats.org/officeDocument/"
                                   "2006/relationships/hyperlink", is_external=True)
    picture = layout.part.relate_to("http://evil.example/track.png", "http://schemas.openxmlformats.org/"
                                    "officeDocument/2006/relationships/image", is_external=True)
    prompt = layout.placeholders[0]._element.find(".//{*}r/{*}rPr")
    etree.SubElement(prompt, "{http://schemas.openxmlformats.org/drawingml/2006/main}hlinkClick",
                     {"{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id": secret})
    shape_tree = layout.shapes._spTree
    shape_tree.append(etree.fromstring(
        '<p:pic xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<p:nvPicPr><p:cNvPr id="99" name="Tracker"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr>'
        f'<p:blipFill><a:blip r:link="{picture}"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>'
        '<p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="10" cy="10"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'))
    reference = tmp_path / "linked.pptx"
    presentation.save(str(reference))
    out = tmp_path / "out"
    assert build(out, SCO, formats="pptx", extra=("--reference-pptx", str(reference))) == 0
    deck = out / DECKS["sco"] / "slides.pptx"
    check_package(deck)
    with zipfile.ZipFile(deck) as package:
        targets = [rel.get("Target") for name in package.namelist() if name.endswith(".rels")
                   for rel in etree.fromstring(package.read(name))]
        layouts = b"".join(package.read(n) for n in package.namelist() if n.startswith("ppt/slideLayouts/s"))
    assert not [target for target in targets if "passwd" in target or "evil.example" in target]
    assert b"hlinkClick" not in layouts and b"Tracker" not in layouts


def minimal_deck(tmp_path: Path, name: str, line: str, replacement: str):
    """The deck of the minimal case with one of its lines replaced, built as `name`."""
    brief = tmp_path / f"{name}.yaml"
    brief.write_text((ROOT / "tests" / "cases" / "minimal" / "brief.yaml").read_text().replace(line, replacement))
    assert build(tmp_path / "out", brief, formats="pptx") == 0
    return Presentation(str(tmp_path / "out" / name / "slides.pptx"))


def test_a_claim_taller_than_a_slide_continues_cut_after_a_word(tmp_path: Path) -> None:
    claim = " ".join(f"word{n}" for n in range(450))  # some 3,400 characters: three slides of text
    presentation = minimal_deck(tmp_path, "long-claim", "text: One claim.", f"text: {claim}")
    claim_slides = [slide for slide in presentation.slides if slide.shapes.title.text.startswith("The article rests")]
    assert [slide.shapes.title.text for slide in claim_slides] == \
        ["The article rests on 1 checkable fact"] + ["The article rests on 1 checkable fact (continued)"] * (
            len(claim_slides) - 1)
    assert len(claim_slides) >= 3
    body = " ".join(" ".join(slide_texts(slide)) for slide in claim_slides)
    assert words(body).count("word449") == 1 and [w for w in words(body) if w.startswith("word")] == words(claim)


def test_a_title_longer_than_its_placeholder_continues_over_slides(tmp_path: Path) -> None:
    title = " ".join(f"title{n}" for n in range(120))
    presentation = minimal_deck(tmp_path, "long-title", "title: A brief", f"title: {title}")
    openers = [slide for slide in presentation.slides if slide.slide_layout.name == "Title Slide"]
    assert len(openers) > 1
    assert words(" ".join(slide.shapes.title.text for slide in openers)) == words(title)
    assert "27 November 2026" in " ".join(" ".join(slide_texts(slide)) for slide in openers)
