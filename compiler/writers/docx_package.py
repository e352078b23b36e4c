"""A Word file's frame: start from the reference document, set its page, language and core properties."""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import qn
from docx.shared import Emu, Mm
from docx.styles.style import BaseStyle

from compiler.reproducible import pinned_package, utc_datetime
from compiler.writers.docx_ooxml import StyleIndex, copy_style
from compiler.writers.docx_reference import REFERENCE_DOCX, take_reference
CORE_PROPERTY_LIMIT = 255
EAST_ASIAN_LANGUAGES = {"zh", "ja", "ko"}
RIGHT_TO_LEFT_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug"}


@dataclass(frozen=True)
class Metadata:
    """What the HTML says about itself: core properties and the running header/footer text."""

    title: str = ""
    author: str = ""
    description: str = ""
    keywords: str = ""
    classification: str = ""
    language: str = ""


@dataclass(frozen=True)
class Opened:
    """A document to write into, copied from its reference made ready (`prepare_reference`).

    Its styles are the prepared reference's own, shared, unless `private`: a document whose HTML names
    a style that would be copied in from ours gets a copy of them (and sets its language again at the
    end, for the styles it copies in). `styles_part` is the shared styles part serialised, else None.
    """

    document: Document
    styles: StyleIndex
    missing: tuple[str, ...]  # styles the writer maps to that neither reference defines
    private: bool
    styles_part: bytes | None


@dataclass(frozen=True)
class Prepared:
    """A reference opened, emptied, completed with our styles and set in one language, once per process;
    documents are copies of it (python-docx takes twice as long to open one: its styles part is 350 KB)."""

    document: Document
    styles: StyleIndex
    missing: tuple[str, ...]
    styles_part: bytes


def open_reference(path: Path | None, language: str, names: tuple[str, ...], wanted: set[str]) -> Opened:
    """A new document with our page geometry and settings, carrying the reference's styles, numbering,
    theme and font declarations (only those: compiler/writers/docx_reference.py), with nothing in it;
    its styles hold `names` (from ours where the reference lacks them) and speak `language`.

    `wanted`: every other style name the document's HTML may ask for (its `data-style`s)."""
    prepared = prepare_reference(take_reference(path).package if path else our_reference(), language, names)
    styles, ours = prepared.styles, ours_styles()
    if any(styles.find(name) is None and ours.find(name) is not None for name in wanted):
        document = copy.deepcopy(prepared.document)
        return Opened(document, StyleIndex(document.styles.element), prepared.missing, True, None)
    shared = {id(styles.styles): styles.styles}  # a copy sharing the styles element, never changed
    return Opened(copy.deepcopy(prepared.document, shared), styles, prepared.missing, False, prepared.styles_part)


@lru_cache(maxsize=2)  # each holds about 5 MiB: a build has one reference, its briefs mostly one language
def prepare_reference(package: bytes, language: str, names: tuple[str, ...]) -> Prepared:
    """The reference package (by content) opened and emptied, the styles `names` copied in from ours
    where it lacks them, in `language` (none: ""); its style index frozen (it is shared)."""
    document = docx.Document(io.BytesIO(package))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    drop_header_footer_references(document)
    styles = StyleIndex(document.styles.element)
    missing = tuple(add_missing_styles(styles, list(names)))
    if language:
        set_language(document, language, styles.default(WD_STYLE_TYPE.PARAGRAPH))
    styles.frozen = True
    return Prepared(document, styles, missing, styles_part_of(document).blob)


def styles_part_of(document: Document):
    """The package part holding the document's styles."""
    return document.part.part_related_by(RELATIONSHIP_TYPE.STYLES)


def our_reference() -> bytes:
    """templates/reference.docx as it is now (22 KB, read for each document: `briefing watch` rebuilds
    when it is saved, and what is made of it is cached by content, so an edit is never missed)."""
    return REFERENCE_DOCX.read_bytes()


def drop_header_footer_references(document: Document) -> None:
    """Forget the reference's own headers and footers: each output gets ours, one per page."""
    for section in document.sections:
        properties = section._sectPr
        for tag in ("w:headerReference", "w:footerReference", "w:titlePg"):
            for reference in properties.findall(qn(tag)):
                properties.remove(reference)
    document.settings.odd_and_even_pages_header_footer = False


def add_missing_styles(styles: StyleIndex, names: list[str]) -> list[str]:
    """Copy the styles a user's reference lacks from ours; returns the names it could not find anywhere."""
    missing = [name for name in names if styles.find(name) is None]
    if not missing:
        return []
    ours = ours_styles()
    return [name for name in missing if not copy_style(styles, ours, name)]


def ours_styles() -> StyleIndex:
    """Our reference document's styles (only ever copied from)."""
    return styles_of(our_reference())


@lru_cache(maxsize=1)
def styles_of(package: bytes) -> StyleIndex:
    """The styles of a reference package, by content (read once per process while it is unchanged)."""
    return StyleIndex(docx.Document(io.BytesIO(package)).styles.element)


def set_page_size(document: Document, width_mm: float, height_mm: float) -> None:
    """Paper size and orientation per document type; the margins are ours (templates/reference.docx),
    whatever reference styles the file."""
    for section in document.sections:
        section.orientation = WD_ORIENT.LANDSCAPE if width_mm > height_mm else WD_ORIENT.PORTRAIT
        section.page_width = Emu(Mm(width_mm))
        section.page_height = Emu(Mm(height_mm))


def set_language(document: Document, language: str, normal: BaseStyle | None) -> None:
    """The language spell-checkers and hyphenation use (w:lang), wherever the reference sets one.

    The document defaults hold it, and so does the Normal style: a reference saved by LibreOffice
    sets its own language there, which would win over the defaults, and may set it in other styles.
    Word keeps three: Latin text (w:val), East Asian (w:eastAsia) and right-to-left (w:bidi); the
    document's language goes in each slot it belongs to. `normal` is the default paragraph style.
    """
    styles = document.styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    holders = [] if defaults is None else [defaults]
    if normal is not None:
        holders.append(normal.element.get_or_add_rPr())
    holders += [found.getparent() for found in styles.iterfind(f"{qn('w:style')}/{qn('w:rPr')}/{qn('w:lang')}")]
    for properties in dict.fromkeys(holders):
        set_lang(properties, language)


def set_lang(properties, language: str) -> None:
    """Put `language` in the slots of the w:lang of one w:rPr it belongs to (adding the w:lang)."""
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = properties.makeelement(qn("w:lang"), {})
        properties.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    primary = language.split("-")[0].lower()
    lang.set(qn("w:val"), language)
    if primary in EAST_ASIAN_LANGUAGES:
        lang.set(qn("w:eastAsia"), language)
    if primary in RIGHT_TO_LEFT_LANGUAGES:
        lang.set(qn("w:bidi"), language)


def set_core_properties(document: Document, metadata: Metadata, when: datetime) -> None:
    properties = document.core_properties
    properties.title = fit_core_property(metadata.title)
    properties.author = fit_core_property(metadata.author)
    properties.last_modified_by = fit_core_property(metadata.author)
    properties.subject = fit_core_property(metadata.description)
    properties.keywords = fit_core_property(metadata.keywords)
    properties.language = fit_core_property(metadata.language)
    properties.comments = ""
    properties.category = fit_core_property(metadata.classification)
    properties.content_status = ""
    properties.revision = 1
    properties.created = when
    properties.modified = when
    properties.last_printed = when


def fit_core_property(text: str) -> str:
    """Text cut at a word to the 255 characters a core property holds."""
    if len(text) <= CORE_PROPERTY_LIMIT:
        return text
    cut = text[: CORE_PROPERTY_LIMIT - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def build_time(source_date_epoch: int | None) -> datetime:
    """The moment a build claims to happen: SOURCE_DATE_EPOCH when given, for identical rebuilds."""
    if source_date_epoch is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    return utc_datetime(source_date_epoch)


class Entries(list):
    """The (name, content) entries python-docx writes a package as, in its order: the file-like end
    its package writer writes to, which stores each instead of zipping it."""

    def write(self, pack_uri, blob: bytes) -> None:
        self.append((pack_uri.membername, blob))


def package_bytes(document: Document, when: datetime, styles_part: bytes | None = None) -> bytes:
    """The Word file python-docx would save, its zip entries stamped with `when`: written once, where
    saving and then pinning the dates (reproducible.normalise_package) zipped every part twice.

    `styles_part`: the styles part already serialised (shared styles: the same for every document)."""
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    entries = Entries()
    # PackageWriter.write with a sink of our own: its steps, in its order, decide every entry.
    PackageWriter._write_content_types_stream(entries, parts)
    PackageWriter._write_pkg_rels(entries, package.rels)
    styles = styles_part_of(document)
    for part in parts:  # as PackageWriter._write_parts, but for the styles part when it is known
        entries.write(part.partname, styles_part if part is styles and styles_part is not None else part.blob)
        if len(part.rels):
            entries.write(part.partname.rels_uri, part.rels.xml)
    return pinned_package(entries, int(when.timestamp()))
