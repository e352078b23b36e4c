"""Word writer: walks the rendered HTML and writes each block in its Word style, from a reference document."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, NamedTuple, Union
from xml.etree.ElementTree import Element

import tinyhtml5
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.styles.style import BaseStyle, StyleFactory
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from compiler import html_parser  # noqa: F401 - the document is parsed with its pattern cache mended
from compiler.document import BuildOptions, RenderedDocument
from compiler.markers import bookmark_name, data_digest, encode
from compiler.writers import WriteResult
from compiler.writers.docx_ooxml import (
    StyleIndex, abstract_num_id, add_abstract_list, add_restarting_num, add_spacer, append_field,
    append_hyperlink, append_run, describe_application, end_bookmark, end_section, numbering_of,
    repeat_header_row, set_custom_properties, set_paragraph_numbering, set_right_to_left, start_bookmark,
    start_properties, style_numbering, text_statistics, tidy_settings,
)
from compiler.writers.docx_package import (
    Metadata, add_missing_styles, build_time, open_reference, our_reference, package_bytes,
    prepare_reference, set_core_properties, set_language, set_page_size,
)

WORD_WIDTH_EM = 0.62  # a letter's width, on average, in a bold sans-serif face
CELL_MARGINS = 108000  # EMU, left and right cell margins of a table (0.3 cm)

# Every style the templates' HTML can map to; a user's reference lacking one gets ours.
STYLES = ("Normal", "Body Text", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3",
          "List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3",
          "Quote", "Quote Citation", "Caption", "Header", "Footer", "Hyperlink", "Briefing Table",
          "Figure Grid", "Table Text", "Briefing Table Heading", "Compact Text", "Compact Heading", "Bottom Line", "Figure Value",
          "Figure Label", "Classification", "Speaker Notes", "Claim Kind", "Source Block", "Label")

CONTAINERS = {"html", "body", "main", "section", "div", "header", "footer", "article", "aside", "nav",
              "figure", "hgroup", "address", "details", "dl"}
SKIPPED = {"head", "script", "style", "template", "noscript", "svg", "img", "picture", "canvas",
           "video", "audio", "object", "iframe", "hr", "meta", "link", "title", "colgroup"}
PARAGRAPHS = {"p", "dt", "dd", "pre", "summary"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = CONTAINERS | SKIPPED | PARAGRAPHS | HEADINGS | {
    "blockquote", "ul", "ol", "li", "table", "figcaption", "caption", "thead", "tbody", "tfoot", "tr"}
BOLD = {"strong", "b"}
ITALIC = {"em", "i", "cite", "dfn", "var"}

# Ours, not "Table Heading": LibreOffice has a style of that name (12 pt, bold, centred) in every
# file it saves, so a reference made there would set a narrow column's heading too large to fit.
TABLE_HEADING = "Briefing Table Heading"
TABLE_LOOK_BITS = {"firstRow": 0x20, "lastRow": 0x40, "firstColumn": 0x80, "lastColumn": 0x100,
                   "noHBand": 0x200, "noVBand": 0x400}
QUOTE_MARKS = ("\u201c", "\u201d")  # a quote's marks, as the stylesheets draw them
# Custom document properties naming what a handout was built from, for `briefing pull`.
HANDOUT_PROPERTIES = ("briefing-brief", "briefing-document", "briefing-content", "briefing-markers")

HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
# Characters XML 1.0 cannot hold: C0 controls but tab/newline/CR, surrogates, U+FFFE and U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Story = Union[Document, _Cell]
InlineNode = Union[str, Element]


class Segment(NamedTuple):
    """A piece of text with one look; "\n" stands for a line break (a tuple: made and copied often)."""

    text: str
    bold: bool = False
    italic: bool = False
    character_style: BaseStyle | None = None
    href: str | None = None
    key: str | None = None     # the brief key path this text comes from (`data-key`)
    digest: str | None = None  # the digest of that key's value, as the brief file had it


@dataclass(frozen=True)
class Scope:
    """What applies to the blocks inside an element: the default paragraph style, list depth, headings."""

    paragraph_style: str = "Body Text"
    list_depth: int = 0
    heading_shift: int = 0


def write(document: RenderedDocument, target: Path, options: BuildOptions) -> WriteResult:
    """Write `document` as a Word file at `target`, styled by the reference document.

    Warnings (a character XML cannot hold, a style no reference defines) come back in the result.
    """
    root = tinyhtml5.parse(document.html, namespace_html_elements=False)
    warnings: list[str] = []
    metadata = read_metadata(root, warnings)
    opened = open_reference(options.reference_docx, metadata.language, STYLES, style_names(root))
    word = opened.document
    warnings += [f"style {name!r} is in neither reference document" for name in opened.missing]
    writer = TreeWriter(word, opened.styles, warnings)
    set_page_size(word, document.page.width_mm, document.page.height_mm)
    writer.write_header_footer(metadata)
    body = root.find("body")
    writer.write_children(body, word, Scope(heading_shift=top_heading_level(body) - 1))
    if opened.private and metadata.language:  # again: for the styles copied in since
        set_language(word, metadata.language, writer.defaults[WD_STYLE_TYPE.PARAGRAPH])
    when = build_time(options.source_date_epoch)
    set_core_properties(word, metadata, when)
    tidy_settings(word.settings.element)
    describe_application(word, text_statistics(word.element.body))
    set_custom_properties(word, handout_properties(document, writer.markers))
    target.write_bytes(package_bytes(word, when, opened.styles_part))
    return WriteResult(warnings=tuple(writer.warnings))


def warm_up() -> None:
    """Before the build forks its workers: make our reference ready, in the default language, once
    for all of them to copy."""
    from compiler.render import DEFAULT_LANGUAGE

    prepare_reference(our_reference(), DEFAULT_LANGUAGE, STYLES)


def read_metadata(root, warnings: list[str]) -> Metadata:
    """What the HTML's head and lang say, cleaned of what XML cannot hold (with a warning each)."""
    head = root.find("head")
    meta = {found.get("name", "").lower(): found.get("content", "")
            for found in (head.iter("meta") if head is not None else [])}
    title = head.find("title") if head is not None else None

    def field(value: str, where: str) -> str:
        return clean(HTML_WHITESPACE.sub(" ", value).strip(), None, where, warnings)

    return Metadata(
        title=field(title.text or "" if title is not None else "", "<title>"),
        author=field(meta.get("author", ""), '<meta name="author">'),
        description=field(meta.get("description", ""), '<meta name="description">'),
        keywords=field(meta.get("keywords", ""), '<meta name="keywords">'),
        classification=field(meta.get("classification", ""), '<meta name="classification">'),
        language=field(root.get("lang", ""), "<html lang>"),
    )


def style_names(root) -> set[str]:
    """Every style name the HTML gives (`data-style`), whether or not its element is written."""
    return {found.get("data-style") for found in root.iter() if found.get("data-style")}


class TreeWriter:
    """Writes one HTML tree into one Word document: a method per kind of node."""

    def __init__(self, word: Document, styles: StyleIndex, warnings: list[str]) -> None:
        self.word = word
        self.styles = styles
        self.warnings = warnings
        self.checked_styles: dict[tuple[str, WD_STYLE_TYPE], BaseStyle | None] = {}
        self.character_styles: dict[str, BaseStyle | None] = {}
        self.style_ids: dict[tuple[object, WD_STYLE_TYPE], str | None] = {}
        # Word leaves a paragraph, run or table in its type's default style without naming it, as
        # python-docx does; looked up once here (python-docx scans every style on each assignment).
        self.defaults = {kind: self.styles.default(kind) for kind in
                         (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE)}
        self.bullet_lists: dict[str, tuple[int, int]] = {}
        self.markers: list[str] = []  # the key paths marked, in document order
        self.marked: set[str] = set()

    # Header and footer

    def write_header_footer(self, metadata: Metadata) -> None:
        """Classification at the top and bottom of every page, the title above, "Page X of Y" below."""
        section = self.word.sections[0]
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        header_lines = [(metadata.classification, "Classification"), (metadata.title, "Header")]
        self.fill_story(section.header, [line for line in header_lines if line[0]])
        page_line = section.footer.paragraphs[0]
        self.set_style(page_line._p, self.paragraph_style("Footer"), WD_STYLE_TYPE.PARAGRAPH)
        page_line.add_run("Page ")
        append_field(page_line, "PAGE", "1")
        page_line.add_run(" of ")
        append_field(page_line, "NUMPAGES", "1")
        if metadata.classification:
            self.add_paragraph(section.footer, "Classification").add_run(metadata.classification)

    def fill_story(self, story, lines: list[tuple[str, str]]) -> None:
        first = story.paragraphs[0]
        for index, (text, style) in enumerate(lines):
            paragraph = first if index == 0 else story.add_paragraph()
            self.set_style(paragraph._p, self.paragraph_style(style), WD_STYLE_TYPE.PARAGRAPH)
            paragraph.add_run(text)

    # Blocks

    def write_children(self, element, story: Story, scope: Scope) -> None:
        """Each block child by its kind; runs of inline content between blocks become paragraphs."""
        if element is None:
            return
        for kind, content in flow(element):
            if kind == "inline":
                self.write_inline_paragraph(content, element, story, scope.paragraph_style)
            else:
                self.write_block(content, story, scope)

    def write_block(self, element, story: Story, scope: Scope) -> None:
        if is_skipped(element):
            return
        if element.get("data-style") == "Classification" and story is self.word:
            return  # the running header sets it at the top of every page, the first one too
        if element.get("data-grid"):
            self.write_grid(element, story, scope, column_count(element.get("data-grid")))
        elif element.get("data-columns") and story is self.word:
            self.write_in_columns(element, scope, column_count(element.get("data-columns")))
        else:
            self.write_element(element, story, scope)

    def write_element(self, element, story: Story, scope: Scope) -> None:
        """One block by its kind: one clause per HTML element the contract names."""
        tag = element.tag
        if tag in HEADINGS:
            self.write_heading(element, story, scope)
        elif tag in PARAGRAPHS or tag == "li":
            self.write_paragraph(element, story, scope.paragraph_style)
        elif tag == "blockquote":
            self.write_blockquote(element, story, scope)
        elif tag in ("ul", "ol"):
            self.write_list(element, story, scope)
        elif tag == "table":
            self.write_table(element, story, scope)
        elif tag in ("figcaption", "caption"):
            self.write_paragraph(element, story, "Caption")
        elif has_class(element, "slide"):
            self.write_slide(element, story, scope)
        elif tag == "aside" and has_class(element, "notes"):
            self.write_container(element, story, replace(scope, paragraph_style="Speaker Notes"))
        else:
            self.write_container(element, story, scope)

    def write_container(self, element, story: Story, scope: Scope) -> None:
        """A container names the style of the paragraphs inside it; holding only text, it is one."""
        style = element.get("data-style")
        if style and all(kind == "inline" for kind, _ in flow(element)):
            self.write_paragraph(element, story, style)
            return
        self.write_children(element, story, replace(scope, paragraph_style=style or scope.paragraph_style))

    def write_grid(self, element, story: Story, scope: Scope, columns: int) -> None:
        """`data-grid="N"`: the children laid out N to a row, as cells of a borderless "Figure Grid"."""
        children = [child for kind, child in flow(element) if kind == "block" and not is_skipped(child)]
        if not children:
            return
        columns = min(columns, len(children))
        table = self.add_table(story, -(-len(children) // columns), columns, "Figure Grid", header=False)
        cell_style = element.get("data-style") or "Table Text"
        for index, cell in enumerate(cell for row in table.rows for cell in row.cells):
            if index < len(children):
                self.write_cell(children[index], cell, scope, cell_style)

    def write_in_columns(self, element, scope: Scope, columns: int) -> None:
        """`data-columns="N"`: the element's content flows in N text columns (a continuous section)."""
        end_section(self.word, columns=1)
        self.write_element(element, self.word, scope)
        end_section(self.word, columns=columns)

    def write_slide(self, element, story: Story, scope: Scope) -> None:
        """A slide is an outline entry: its first heading becomes a Heading 1, the rest follow."""
        self.write_container(element, story, replace(scope, heading_shift=top_heading_level(element) - 1))

    def write_heading(self, element, story: Story, scope: Scope) -> None:
        level = min(3, max(1, int(element.tag[1]) - scope.heading_shift))
        self.write_paragraph(element, story, f"Heading {level}")

    def write_paragraph(self, element, story: Story, default_style: str,
                        enclose: tuple[str, str] | None = None) -> Paragraph | None:
        style = element.get("data-style") or default_style
        paragraph = self.write_inline_paragraph(children_of(element), element, story, style, enclose)
        if paragraph is not None and element.get("dir") == "rtl":
            set_right_to_left(paragraph)
        return paragraph

    def write_blockquote(self, element, story: Story, scope: Scope) -> None:
        """A quote's paragraphs in the Quote style; its attribution (`cite`, `footer`) ends the last one."""
        style = element.get("data-style") or "Quote"
        last = None
        for kind, content in flow(element, extra_blocks={"cite"}):
            if kind == "inline":
                last = self.write_inline_paragraph(content, element, story, style, QUOTE_MARKS)
            elif is_skipped(content):
                continue
            elif content.tag in ("cite", "footer") and last is not None:
                self.append_attribution(last, content)
            elif content.tag == "p":
                last = self.write_paragraph(content, story, style, QUOTE_MARKS)
            elif content.tag in ("cite", "footer"):
                last = self.write_paragraph(content, story, style)
            else:
                self.write_block(content, story, replace(scope, paragraph_style=style))
                last = None

    def append_attribution(self, paragraph: Paragraph, element) -> None:
        look = Segment("", character_style=self.character_style("Quote Citation"))
        segments = collapse_whitespace(self.segments(children_of(element), element, look))
        if segments:
            # Upright, as the stylesheets set it: a `cite` is italic elsewhere, not in an attribution.
            upright = [segment._replace(italic=False) for segment in segments]
            self.write_segments(paragraph, [look._replace(text=" "), *upright])

    def write_list(self, element, story: Story, scope: Scope) -> None:
        """One paragraph per item in List Bullet/Number (2, 3 when nested); each `ol` counts from 1."""
        depth = min(3, scope.list_depth + 1)
        ordered = element.tag == "ol"
        style = ("List Number" if ordered else "List Bullet") + ("" if depth == 1 else f" {depth}")
        explicit = element.get("data-style")
        style = explicit or style
        numbering = self.list_numbering(style, ordered, depth, add_missing=not explicit)
        item_scope = replace(scope, list_depth=depth, paragraph_style=style)
        for item in element:
            if isinstance(item.tag, str) and item.tag == "li" and not is_skipped(item):
                self.write_list_item(item, story, item_scope, numbering)

    def write_list_item(self, item, story: Story, scope: Scope, numbering: tuple[int, int] | None) -> None:
        """An item's text in the list style, its number on the first paragraph; nested lists go deeper."""
        first = True
        for kind, content in flow(item):
            if kind == "block" and content.tag != "p":
                self.write_block(content, story, scope)
                continue
            paragraph = (self.write_inline_paragraph(content, item, story, scope.paragraph_style)
                         if kind == "inline" else self.write_paragraph(content, story, scope.paragraph_style))
            if paragraph is not None and numbering and first:
                set_paragraph_numbering(paragraph, *numbering)
            first = first and paragraph is None

    def list_numbering(self, style: str, ordered: bool, depth: int,
                       add_missing: bool) -> tuple[int, int] | None:
        """The (numId, level) to put on a list's paragraphs; None when the style's own numbering serves.

        python-docx cannot restart numbering, so each ordered list gets a new w:num on the style's
        abstract list with a startOverride of 1. A default list style without numbering (some users'
        references) gets a list definition of its own; a `data-style` without numbering gets none.
        """
        numbering = numbering_of(self.word)
        paragraph_style = self.paragraph_style(style)
        applied = style_numbering(self.styles, paragraph_style.element if paragraph_style else None)
        if applied is not None:
            num_id, level = applied
            abstract = abstract_num_id(numbering, num_id)
            if not ordered or abstract is None:
                return None
            return add_restarting_num(numbering, abstract, level), level
        if not add_missing:
            return None
        if ordered:
            return add_restarting_num(numbering, add_abstract_list(numbering, True, depth - 1), 0), 0
        if style not in self.bullet_lists:
            abstract = add_abstract_list(numbering, False, depth - 1)
            self.bullet_lists[style] = (int(numbering.add_num(abstract).get(qn("w:numId"))), 0)
        return self.bullet_lists[style]

    def write_table(self, element, story: Story, scope: Scope) -> None:
        """A table in "Briefing Table" (or its `data-style`), header rows repeated on each page."""
        for caption in element.findall("caption"):
            self.write_paragraph(caption, story, "Caption")
        rows = table_rows(element)
        if not rows:
            return
        columns = max(len(cells) for _, cells in rows)
        table = self.add_table(story, len(rows), columns, element.get("data-style") or "Briefing Table",
                               header=any(header for header, _ in rows))
        if story is self.word:
            fit_columns(table, [[text_of(cell) for cell in cells] for _, cells in rows], self.text_width(),
                        self.longest_word_widths(rows))
        for row, (header, cells) in zip(table.rows, rows):
            if header:
                repeat_header_row(row)
            for cell, cell_element in zip(row.cells, cells):
                self.write_cell(cell_element, cell, scope,
                                TABLE_HEADING if cell_element.tag == "th" else "Table Text")

    def add_table(self, story: Story, rows: int, columns: int, style: str, header: bool):
        """An empty table in `style`; in the body, an empty paragraph follows it.

        LibreOffice ignores "keep with next" on a heading that directly follows a table, so a heading
        there could end a page alone; the empty paragraph between them (1 pt high) prevents that.
        """
        table = story.add_table(rows=rows, cols=columns)
        self.set_style(table._tbl, self.table_style(style), WD_STYLE_TYPE.TABLE)
        set_table_look(table, header=header)
        if story is self.word:
            add_spacer(self.add_paragraph(self.word, "Normal"))
        return table

    def longest_word_widths(self, rows: list[tuple[bool, list]]) -> list[int]:
        """Per column, the width its longest word needs at its style's size, so no word breaks."""
        widths: list[int] = []
        for header, cells in rows:
            size = self.font_size(TABLE_HEADING if header else "Table Text")
            for index, cell in enumerate(cells):
                longest = max((len(word) for word in text_of(cell).split()), default=0)
                need = int(longest * WORD_WIDTH_EM * size) + CELL_MARGINS
                widths[len(widths):index + 1] = [0] * (index + 1 - len(widths))
                widths[index] = max(widths[index], need)
        return widths

    def font_size(self, name: str) -> int:
        """The size a paragraph style sets (EMU), following its base styles; Word's 10 pt when none does."""
        style = self.paragraph_style(name)
        while style is not None:
            if style.font.size is not None:
                return style.font.size
            style = style.base_style
        return Pt(10)

    def text_width(self) -> int:
        """The width between the margins (a reference without margins gets Word's default inch)."""
        section = self.word.sections[0]
        margins = [margin if margin is not None else Inches(1)
                   for margin in (section.left_margin, section.right_margin)]
        return section.page_width - sum(margins)

    def write_cell(self, element, cell: _Cell, scope: Scope, default_style: str) -> None:
        """A cell's content; its paragraphs take the element's `data-style`, else `default_style`."""
        for paragraph in cell._tc.findall(qn("w:p")):
            cell._tc.remove(paragraph)
        cell_scope = Scope(paragraph_style=element.get("data-style") or default_style,
                           heading_shift=scope.heading_shift)
        for kind, content in flow(element):
            if kind == "inline":
                self.write_inline_paragraph(content, element, cell, cell_scope.paragraph_style)
            else:
                self.write_block(content, cell, cell_scope)
        if cell._tc[-1].tag != qn("w:p"):
            cell.add_paragraph()  # a cell must end with a paragraph

    # Inline content

    def write_inline_paragraph(self, nodes: list[InlineNode], owner, story: Story, style: str,
                               enclose: tuple[str, str] | None = None) -> Paragraph | None:
        """A paragraph of the inline `nodes`, or nothing when they hold no text; `enclose` puts it
        between two marks (a quote's, which the stylesheets draw with ::before and ::after)."""
        segments = collapse_whitespace(self.segments(nodes, owner, Segment("")))
        if not segments:
            return None
        if enclose:
            segments = [Segment(enclose[0]), *segments, Segment(enclose[1])]
        paragraph = self.add_paragraph(story, style)
        self.write_segments(paragraph, segments)
        return paragraph

    def segments(self, nodes: list[InlineNode], owner, look: Segment) -> Iterator[Segment]:
        for node in nodes:
            if isinstance(node, str):
                if node:
                    yield look._replace(text=self.clean(node, owner))
            elif isinstance(node.tag, str) and not is_skipped(node):
                yield from self.inline_element(node, look)

    def inline_element(self, element, look: Segment) -> Iterator[Segment]:
        tag = element.tag
        if tag == "br":
            yield look._replace(text="\n")
            return
        if tag in BOLD:
            look = look._replace(bold=True)
        if tag in ITALIC:
            look = look._replace(italic=True)
        if tag == "a" and element.get("href"):
            look = look._replace(href=self.clean(element.get("href").strip(), element, "href"))
        if element.get("data-style"):
            look = look._replace(character_style=self.character_style(element.get("data-style")))
        if element.get("data-key"):
            look = look._replace(key=element.get("data-key"), digest=element.get("data-digest") or "")
        yield from self.segments(children_of(element), element, look)

    def write_segments(self, paragraph: Paragraph, segments: list[Segment]) -> None:
        """Runs of text (never interpreted), consecutive runs with one link target inside one w:hyperlink,
        and the runs of one brief key between the two ends of its bookmark."""
        link, link_target = None, None
        marking = None  # the key whose bookmark is open
        for segment in segments:
            wanted = self.marker_for(segment, marking)
            if wanted != marking:
                if marking:
                    end_bookmark(paragraph, len(self.markers) - 1)
                if wanted:
                    self.markers.append(wanted)
                    self.marked.add(wanted)
                    start_bookmark(paragraph, len(self.markers) - 1, bookmark_name(wanted, segment.digest))
                marking = wanted
            if segment.href != link_target:
                link = append_hyperlink(paragraph, segment.href) if segment.href else None
                link_target = segment.href
            style = segment.character_style or (self.character_style("Hyperlink") if segment.href else None)
            append_run(paragraph._p if link is None else link, segment.text,
                       self.style_id(style, WD_STYLE_TYPE.CHARACTER), style is not None,
                       segment.bold, segment.italic)
        if marking:
            end_bookmark(paragraph, len(self.markers) - 1)

    def marker_for(self, segment: Segment, marking: str | None) -> str | None:
        """The key to mark a piece of text with: its own, unless that key is marked already elsewhere
        (a goal's title heads each of its slides; bookmark names must be unique)."""
        if segment.key is None or (segment.key in self.marked and segment.key != marking):
            return None
        return segment.key

    # Styles and text

    def add_paragraph(self, story, style: str) -> Paragraph:
        """An empty paragraph at the end of `story` in the paragraph style called `style`."""
        paragraph = story.add_paragraph()
        found = self.paragraph_style(style)
        if found is not None:
            self.set_style(paragraph._p, found, WD_STYLE_TYPE.PARAGRAPH)
        return paragraph

    def set_style(self, element, style: BaseStyle | None, kind: WD_STYLE_TYPE) -> None:
        """Put `style` on a w:p, w:r or w:tbl by id; the default style of its kind is left unnamed."""
        style_id = self.style_id(style, kind)
        if kind == WD_STYLE_TYPE.TABLE:
            element.tblStyle_val = style_id
        elif len(element) == 0:
            start_properties(element, style_id)
        else:
            element.style = style_id

    def style_id(self, style: BaseStyle | None, kind: WD_STYLE_TYPE) -> str | None:
        """The id to name `style` by; None for none, or for the default style of its kind."""
        if style is None:
            return None
        key = (style.element, kind)
        if key not in self.style_ids:
            self.style_ids[key] = None if style == self.defaults[kind] else style.style_id
        return self.style_ids[key]

    def paragraph_style(self, name: str) -> BaseStyle | None:
        return self.checked_style(name, WD_STYLE_TYPE.PARAGRAPH, fallback="Body Text")

    def table_style(self, name: str) -> BaseStyle | None:
        return self.checked_style(name, WD_STYLE_TYPE.TABLE, fallback="Briefing Table")

    def character_style(self, name: str) -> BaseStyle | None:
        """A character style by name, or the character twin a paragraph style links to."""
        if name not in self.character_styles:
            self.character_styles[name] = self.find_character_style(name)
        return self.character_styles[name]

    def find_character_style(self, name: str) -> BaseStyle | None:
        style = self.styles.find(name)
        if style is not None and style.get(qn("w:type")) == "paragraph":
            link = style.find(qn("w:link"))
            if link is None:
                return None
            # As python-docx's get_by_id: a link to no character style means the default one.
            linked = self.styles.find_id(link.get(qn("w:val")))
            if linked is None or linked.get(qn("w:type")) != "character":
                return self.defaults[WD_STYLE_TYPE.CHARACTER]
            return StyleFactory(linked)
        return self.checked_style(name, WD_STYLE_TYPE.CHARACTER, fallback=None)

    def checked_style(self, name: str, kind: WD_STYLE_TYPE, fallback: str | None) -> BaseStyle | None:
        """The style called `name` (Word's name, any case) of that kind, copying ours if the reference
        lacks it; else the `fallback` style, with a warning."""
        key = (name, kind)
        if key not in self.checked_styles:
            add_missing_styles(self.styles, [name])
            found = self.styles.find(name)
            if found is not None and found.get(qn("w:type")) == kind_name(kind):
                self.checked_styles[key] = self.style_by_id(found.get(qn("w:styleId")), kind)
            else:
                self.warnings.append(f"no {kind_name(kind)} style named {name!r}; used {fallback!r}")
                self.checked_styles[key] = self.checked_style(fallback, kind, None) if fallback else None
        return self.checked_styles[key]

    def style_by_id(self, style_id: str, kind: WD_STYLE_TYPE) -> BaseStyle | None:
        """The style with that id (the first, as python-docx finds it), else the kind's default."""
        found = self.styles.find_id(style_id)
        if found is None or found.get(qn("w:type")) != kind_name(kind):
            return self.defaults[kind]
        return StyleFactory(found)

    def clean(self, text: str, owner, where: str | None = None) -> str:
        return clean(text, owner, where, self.warnings)


def clean(text: str, owner, where: str | None, warnings: list[str]) -> str:
    """`text` without the characters XML cannot hold, with a warning naming where each was:
    `where`, else the `owner` element and the text."""
    if NOT_XML.search(text) is None:
        return text
    found = sorted(set(NOT_XML.findall(text)))
    codes = ", ".join(f"U+{ord(char):04X}" for char in found)
    warnings.append(f"{where or describe(owner, text)}: removed a character Word cannot hold ({codes})")
    return NOT_XML.sub("", text)


def handout_properties(document: RenderedDocument, markers: list[str]) -> dict[str, str]:
    """What `briefing pull` needs to read a handout back: its brief, document type, the digest of the
    brief's content it shows and every key it marks."""
    values = (document.brief.path.name, document.doctype.name, data_digest(document.brief.data),
              " ".join(encode(key) for key in markers))
    return dict(zip(HANDOUT_PROPERTIES, values))


def column_count(value: str) -> int:
    """A `data-grid`/`data-columns` value as a count from 1 to 6 (anything else: 1)."""
    return min(6, max(1, int(value))) if value.strip().isdigit() else 1


def top_heading_level(element) -> int:
    """The highest level among headings that take a Heading style (not a `data-style` like Title)."""
    if element is None:
        return 1
    return min((int(found.tag[1]) for found in element.iter()
                if found.tag in HEADINGS and not found.get("data-style")), default=1)


def kind_name(kind: WD_STYLE_TYPE) -> str:
    return {WD_STYLE_TYPE.PARAGRAPH: "paragraph", WD_STYLE_TYPE.CHARACTER: "character",
            WD_STYLE_TYPE.TABLE: "table"}[kind]


def flow(element, extra_blocks: frozenset[str] | set[str] = frozenset()) -> Iterator[tuple[str, object]]:
    """An element's content as ("inline", [text and inline elements]) runs and ("block", element)s."""
    pending: list[InlineNode] = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            pending.append(child.tail or "")
            continue
        if child.tag in BLOCKS or child.tag in extra_blocks:
            if has_text(pending):
                yield "inline", pending
            pending = []
            yield "block", child
        else:
            pending.append(child)
        pending.append(child.tail or "")
    if has_text(pending):
        yield "inline", pending


def children_of(element) -> list[InlineNode]:
    """An element's text and child elements in document order (each child followed by its tail)."""
    return [element.text or ""] + [node for child in element for node in (child, child.tail or "")]


def has_text(nodes: list[InlineNode]) -> bool:
    return any((node.strip() if isinstance(node, str) else True) for node in nodes)


def collapse_whitespace(segments: Iterator[Segment]) -> list[Segment]:
    """HTML's white-space rule: runs of spaces and newlines are one space, none at a line's ends."""
    collapsed: list[Segment] = []
    at_line_start = True
    for segment in segments:
        if segment.text == "\n":
            trim_line_end(collapsed)
            collapsed.append(segment)
            at_line_start = True
            continue
        text = HTML_WHITESPACE.sub(" ", segment.text)
        if at_line_start or (collapsed and collapsed[-1].text.endswith(" ")):
            text = text.lstrip(" ")
        if text:
            collapsed.append(segment if text == segment.text else segment._replace(text=text))
            at_line_start = False
    trim_line_end(collapsed)
    return collapsed


def trim_line_end(segments: list[Segment]) -> None:
    while segments and segments[-1].text != "\n" and segments[-1].text.endswith(" "):
        trimmed = segments[-1].text.rstrip(" ")
        if trimmed:
            segments[-1] = segments[-1]._replace(text=trimmed)
            return
        segments.pop()


def text_of(element) -> str:
    return HTML_WHITESPACE.sub(" ", "".join(element.itertext())).strip()


def fit_columns(table, texts: list[list[str]], width: int, minimum: list[int]) -> None:
    """Column widths by how much each column says (within limits), as a browser's auto layout does;
    none narrower than its `minimum` (its longest word), the others shared out in the rest."""
    columns = len(table.columns)
    needs = [min(40, max(5, *(len(row[index]) for row in texts if index < len(row))))
             for index in range(columns)]
    shares = [int(width * need / sum(needs)) for need in needs]
    floors = [min(minimum[index] if index < len(minimum) else 0, width // columns) for index in range(columns)]
    short = [index for index in range(columns) if shares[index] < floors[index]]
    if short:
        rest = width - sum(floors[index] for index in short)
        others = sum(needs[index] for index in range(columns) if index not in short)
        shares = [floors[index] if index in short else int(rest * needs[index] / others)
                  for index in range(columns)]
    for column, share in zip(table.columns, shares):
        column.width = share
        for cell in column.cells:
            cell.width = share


def table_rows(table) -> list[tuple[bool, list]]:
    """(is a header row, its cells) for each row of a table, thead first and tfoot last."""
    rows: list[tuple[bool, list]] = []
    for part in ("thead", None, "tbody", "tfoot"):
        groups = [table] if part is None else table.findall(part)
        for group in groups:
            for row in group.findall("tr"):
                cells = [cell for cell in row if cell.tag in ("td", "th")]
                if cells and not is_skipped(row):
                    rows.append((part == "thead" or all(cell.tag == "th" for cell in cells), cells))
    return rows


def set_table_look(table, header: bool) -> None:
    """Which parts of the table style apply: the header row only when there is one."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = table._tbl.tblPr.makeelement(qn("w:tblLook"), {})
        table._tbl.tblPr.append(look)
    bits = 0
    for attribute, value in (("firstRow", header), ("lastRow", False), ("firstColumn", False),
                             ("lastColumn", False), ("noHBand", True), ("noVBand", True)):
        look.set(qn(f"w:{attribute}"), "1" if value else "0")
        bits |= TABLE_LOOK_BITS[attribute] if value else 0
    # Word 2007's bit mask as well: LibreOffice 7 reads only that, and would set a first data row
    # (a timeline's) as a header row without it.
    look.set(qn("w:val"), f"{bits:04X}")
    width = table._tbl.tblPr.find(qn("w:tblW"))
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")


def is_skipped(element) -> bool:
    return (element.tag in SKIPPED or has_class(element, "pdf-only")
            or element.get("hidden") is not None)


def has_class(element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def describe(element, text: str) -> str:
    """Where a piece of text sits, for a warning: `<p> in section#claims ("The article…")`."""
    words = HTML_WHITESPACE.sub(" ", NOT_XML.sub("", text)).strip()
    excerpt = f' ("{words[:40]}…")' if len(words) > 40 else f' ("{words}")' if words else ""
    label = f"<{element.tag}>"
    if element.get("id"):
        label += f"#{element.get('id')}"
    elif element.get("class"):
        label += "." + ".".join(element.get("class").split())
    return label + excerpt
