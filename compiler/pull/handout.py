"""Read a Word handout back: its paragraphs, the brief text each marker holds, and what YAML cannot."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from compiler.diagnostics import ExpectedError
from compiler.diagnostics import shorten as shorten_safely
from compiler.markers import decode, read_bookmark
from compiler.writers.docx import HANDOUT_PROPERTIES
from compiler.writers.docx_ooxml import parse_part, read_custom_properties

# Run properties a colleague sets by hand that the light markup cannot say (bold and italic it can).
VISIBLE_FORMATTING = {"u": "underline", "strike": "strike-through", "dstrike": "strike-through",
                      "color": "colour", "highlight": "highlight", "shd": "shading", "sz": "font size",
                      "caps": "capitals", "smallCaps": "small capitals", "vertAlign": "raised or lowered",
                      "rFonts": "font", "vanish": "hidden text"}
CONTAINERS = {qn("w:smartTag"), qn("w:customXml"), qn("w:sdt"), qn("w:sdtContent"), qn("w:fldSimple"),
              qn("w:ins"), qn("w:moveTo")}
SKIPPED = {qn("w:moveFrom")}
OFF = {"0", "false", "off", "none"}


MAX_UNPACKED_BYTES = 100 * 2**20  # ours are well under 1 MiB; a zip bomb is far over
NOT_WORD = "not a Word file ({}); pull reads the .docx files `briefing build` writes"


class NotAHandout(ExpectedError):
    """The file is not a Word handout this compiler wrote; the message says what it is instead."""


@dataclass(frozen=True)
class Piece:
    """A stretch of text with the look the light markup can say."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass
class Mark:
    """One marker found in the handout: its key path, the digest it was built with, and its text."""

    key: str
    digest: str
    pieces: list[Piece] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)  # the paragraphs it spans


@dataclass
class Block:
    """One paragraph of the handout, in reading order (table cells included)."""

    index: int
    style: str
    pieces: list[Piece] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # our markers that start in it
    inside: list[str] = field(default_factory=list)  # our markers open over some of its text
    before: list[Piece] = field(default_factory=list)  # its text before its only marker starts
    after: list[Piece] = field(default_factory=list)  # and after that marker ends
    heading: bool = False
    in_table: int | None = None


@dataclass
class Handout:
    """A handout as read back: what it was built from, its paragraphs, markers and what YAML cannot hold."""

    path: Path
    brief_name: str
    doctype: str
    content_digest: str
    built_keys: list[str]
    blocks: list[Block] = field(default_factory=list)
    marks: dict[str, Mark] = field(default_factory=dict)
    tables: int = 0
    unpullable: list[tuple[str, str]] = field(default_factory=list)  # (key path or "", what)
    comments: list[tuple[str, str, str, str]] = field(default_factory=list)  # key, author, anchor, text

    def text(self, block: Block) -> str:
        return "".join(piece.text for piece in block.pieces)


def read_handout(path: Path) -> Handout:
    """The handout at `path`; NotAHandout when it is not a Word file, or not one of ours."""
    if not zipfile.is_zipfile(path):
        raise NotAHandout(NOT_WORD.format("not a zip package"))
    with zipfile.ZipFile(path) as package:
        unpacked = sum(item.file_size for item in package.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise NotAHandout(f"unpacks to {unpacked / 2**20:.0f} MiB, more than a handout's "
                          f"{MAX_UNPACKED_BYTES / 2**20:.0f} MiB; is it the file `briefing build` wrote?")
    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise NotAHandout(NOT_WORD.format(describe_error(error))) from None
    properties = read_custom_properties(word.part.package)
    if not all(name in properties for name in HANDOUT_PROPERTIES):
        raise NotAHandout("not a handout this compiler wrote (it carries no briefing markers); "
                          "pull reads the .docx files `briefing build` writes")
    brief_name, doctype, content, markers = (properties[name] for name in HANDOUT_PROPERTIES)
    handout = Handout(path, brief_name, doctype, content, [decode(code) for code in markers.split()])
    HandoutReader(word, handout).read()
    return handout


def describe_error(error: Exception) -> str:
    return str(error).strip("'\"") or type(error).__name__


class HandoutReader:
    """Walks the body once, in reading order, keeping which markers are open."""

    def __init__(self, word, handout: Handout) -> None:
        self.word = word
        self.handout = handout
        self.open_marks: dict[str, Mark] = {}  # bookmark id -> mark
        self.comment_keys: dict[str, str] = {}
        self.block: Block | None = None

    def read(self) -> None:
        self.walk_children(self.word.element.body, table=None)
        self.read_comments()

    def walk_children(self, parent, table: int | None) -> None:
        for child in parent:
            if child.tag == qn("w:p"):
                self.read_paragraph(child, table)
            elif child.tag == qn("w:tbl"):
                self.handout.tables += 1
                number = self.handout.tables
                for cell in child.iterfind(f"{qn('w:tr')}/{qn('w:tc')}"):
                    self.walk_children(cell, number)
            elif child.tag in CONTAINERS:
                self.walk_children(child, table)
            elif child.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
                self.read_inline(child)

    def read_paragraph(self, paragraph, table: int | None) -> None:
        style = self.style_name(paragraph)
        self.block = Block(len(self.handout.blocks), style, heading=is_heading(style),
                           in_table=table, inside=[mark.key for mark in self.open_marks.values()])
        self.handout.blocks.append(self.block)
        for mark in self.open_marks.values():  # a marked text Enter split in two: one text, two lines
            mark.paragraphs.append(self.block.index)
            mark.pieces.append(Piece("\n"))
        self.read_runs(paragraph, link=None)
        self.split_around_marker()

    def style_name(self, paragraph) -> str:
        style_id = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style = self.word.styles.element.get_by_id(style_id.get(qn("w:val"))) if style_id is not None else None
        if style is None:
            style = self.word.styles.element.default_for(WD_STYLE_TYPE.PARAGRAPH)
        return style.name_val if style is not None else ""

    def read_runs(self, parent, link: str | None) -> None:
        for child in parent:
            tag = child.tag
            if tag == qn("w:r"):
                self.read_run(child, link)
            elif tag == qn("w:hyperlink"):
                self.read_runs(child, self.link_target(child) or link)
            elif tag in (qn("w:ins"), qn("w:del")):
                self.note_tracked_change(child)
                if tag == qn("w:del"):  # not accepted yet: the text is still the old one
                    self.read_runs(child, link)
            elif tag in CONTAINERS:
                self.read_runs(child, link)
            elif tag not in SKIPPED:
                self.read_inline(child)

    def read_inline(self, child) -> None:
        tag = child.tag
        if tag == qn("w:bookmarkStart"):
            found = read_bookmark(child.get(qn("w:name")))
            if found and found[0] not in self.handout.marks:
                mark = Mark(*found, paragraphs=[self.block.index] if self.block else [])
                self.handout.marks[mark.key] = mark
                self.open_marks[child.get(qn("w:id"))] = mark
                if self.block is not None:
                    self.block.keys.append(mark.key)
                    self.block.inside.append(mark.key)
        elif tag == qn("w:bookmarkEnd"):
            self.open_marks.pop(child.get(qn("w:id")), None)
        elif tag == qn("w:commentRangeStart"):
            self.comment_keys[child.get(qn("w:id"))] = self.current_key()
        elif tag == qn("w:commentReference") and child.get(qn("w:id")) not in self.comment_keys:
            self.comment_keys[child.get(qn("w:id"))] = self.current_key()

    def read_run(self, run, link: str | None) -> None:
        properties = run.find(qn("w:rPr"))
        bold, italic = is_on(properties, "w:b"), is_on(properties, "w:i")
        self.note_formatting(properties)
        for child in run:
            if child.tag in (qn("w:t"), qn("w:delText")):
                self.add(Piece(child.text or "", bold, italic, link))
            elif child.tag == qn("w:tab"):
                self.add(Piece("\t", bold, italic, link))
            elif child.tag in (qn("w:br"), qn("w:cr")):
                self.add(Piece("\n", bold, italic, link))
            elif child.tag == qn("w:commentReference"):
                self.read_inline(child)

    def add(self, piece: Piece) -> None:
        if self.block is None or not piece.text:
            return
        self.block.pieces.append(piece)
        for mark in self.open_marks.values():
            mark.pieces.append(piece)

    def split_around_marker(self) -> None:
        """For a paragraph with one marker, the text outside it (a claim's number, a quote's marks)."""
        block = self.block
        if len(block.inside) != 1 or len(block.keys) != 1:
            return
        mark = self.handout.marks[block.keys[0]]
        inside = [piece for piece in mark.pieces if any(piece is own for own in block.pieces)]
        first = next((i for i, piece in enumerate(block.pieces) if inside and piece is inside[0]), None)
        if first is None:
            return
        block.before = block.pieces[:first]
        block.after = block.pieces[first + len(inside):]

    def current_key(self) -> str:
        if self.open_marks:
            return list(self.open_marks.values())[-1].key
        return self.block.keys[-1] if self.block and self.block.keys else self.nearest_key()

    def nearest_key(self) -> str:
        for block in reversed(self.handout.blocks):
            if block.inside:
                return block.inside[-1]
        return ""

    def link_target(self, link) -> str | None:
        relationship_id = link.get(qn("r:id"))
        relationship = self.word.part.rels.get(relationship_id) if relationship_id else None
        if relationship is not None and relationship.is_external:
            return relationship.target_ref
        return None

    def note_tracked_change(self, change) -> None:
        kind = "insertion" if change.tag == qn("w:ins") else "deletion"
        words = "".join(change.xpath(".//w:t/text() | .//w:delText/text()", namespaces=NAMESPACES))
        self.handout.unpullable.append(
            (self.current_key(), f'tracked {kind} not accepted ("{shorten(words)}"); accept or reject '
                                 "it in Word, then pull again"))

    def note_formatting(self, properties) -> None:
        if properties is None or not self.open_marks:
            return
        found = sorted({VISIBLE_FORMATTING[local(child.tag)] for child in properties
                        if local(child.tag) in VISIBLE_FORMATTING and not is_off(child)})
        if found:
            note = f"formatting the brief cannot hold ({', '.join(found)}); it will not be in the next build"
            entry = (self.current_key(), note)
            if entry not in self.handout.unpullable:
                self.handout.unpullable.append(entry)

    def read_comments(self) -> None:
        """Each Word comment with the text it is anchored on and the key path it sits in."""
        part = next((rel.target_part for rel in self.word.part.rels.values()
                     if rel.reltype == RELATIONSHIP_TYPE.COMMENTS and not rel.is_external), None)
        if part is None:
            return
        root = parse_part(part.blob)
        anchors = self.comment_anchors()
        for comment in root.iter(qn("w:comment")):
            comment_id = comment.get(qn("w:id"))
            text = " ".join("".join(p.xpath(".//w:t/text()", namespaces=NAMESPACES))
                            for p in comment.iter(qn("w:p"))).strip()
            self.handout.comments.append((self.comment_keys.get(comment_id, ""),
                                          comment.get(qn("w:author")) or "someone",
                                          anchors.get(comment_id, ""), text))

    def comment_anchors(self) -> dict[str, str]:
        """The text between each comment's range start and end, read again from the body."""
        anchors: dict[str, list[str]] = {}
        open_ids: set[str] = set()
        for element in self.word.element.body.iter():
            if element.tag == qn("w:commentRangeStart"):
                open_ids.add(element.get(qn("w:id")))
                anchors.setdefault(element.get(qn("w:id")), [])
            elif element.tag == qn("w:commentRangeEnd"):
                open_ids.discard(element.get(qn("w:id")))
            elif element.tag == qn("w:t"):
                for comment_id in open_ids:
                    anchors[comment_id].append(element.text or "")
        return {comment_id: "".join(parts) for comment_id, parts in anchors.items()}


NAMESPACES = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def is_heading(style_name: str) -> bool:
    name = style_name.lower()
    return name.startswith("heading") or name in ("title", "subtitle", "compact heading")


def is_on(properties, tag: str) -> bool:
    if properties is None:
        return False
    found = properties.find(qn(tag))
    return found is not None and not is_off(found)


def is_off(element) -> bool:
    return (element.get(qn("w:val")) or "").lower() in OFF


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def shorten(text: str, limit: int = 60) -> str:
    """Handout text quoted in a message: one line, control characters escaped, cut with `…`."""
    return shorten_safely(" ".join(text.split()), limit)
