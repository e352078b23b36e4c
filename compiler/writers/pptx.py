"""PowerPoint writer: the planned deck in a reference deck's layouts, every text in a layout's placeholders.

Each planned slide becomes one slide on the layout it names (Title Slide, Title and Content), its
title in the title placeholder, its evidence in the body placeholder (figures and the timeline as a
table standing in that placeholder), the classification and short title in the footer placeholder,
the slide number in the slide number placeholder and the speaker notes in the notes pane. Text is
set at the placeholder's own size when it fits, measured (pptx_fit), else smaller down to the floor
(24 pt on a 13.33 in slide), else the slide continues on a slide of its own, as the PDF deck does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as Deck
from pptx.shapes.placeholder import TablePlaceholder
from pptx.slide import Slide
from pptx.util import Emu

from compiler.diagnostics import RenderError
from compiler.document import BuildOptions, RenderedDocument
from compiler.markup import plain_text
from compiler.render import count_quotes, describe_keywords, number_claims, text_direction
from compiler.reproducible import utc_datetime
from compiler.writers import WriteResult
from compiler.writers.docx_package import fit_core_property
from compiler.writers.pptx_deck import Block, DeckSlide, Paragraph, Run, Table, inline_runs, plan_deck
from compiler.writers.pptx_fit import (EMU_PER_PT, LINK_PIECE, Frame, blocks_height, cut_blocks, cut_paragraph,
                                       fit_blocks, fit_table, line_pitch, load_run_fonts, row_heights, scales,
                                       stacked_height)
from compiler.writers.pptx_package import (BODY_TYPES, TITLE_TYPES, Layouts, clone, find_layouts,
                                           find_placeholder, open_reference, placeholder_frame)
from compiler.writers.pptx_styles import COLOURS, FLOOR_SIZE, FULL_WIDTH_EMU, SERIF, look

SUFFIX = ".pptx"
TITLE_LINE_SPACING = 1.14  # line pitch in ems, exact (pptx_fit.line_pitch): the PDF deck's
BODY_LINE_SPACING = 1.24
FOOTER_FLOOR = 8.0  # pt on a 13.33 in slide
SLIDE_NUMBER_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # fixed, so rebuilds give the same bytes
RULE_EMU = {"top": 28800, "bottom": 10800}  # 0.8 mm accent rule over a figure, 0.3 mm under a timeline row


@dataclass(frozen=True)
class Fitted:
    """A slide ready to write: its content and the scale its title and body are set at."""

    slide: DeckSlide
    title_scale: float
    body_scale: float


def write(document: RenderedDocument, target: Path, options: BuildOptions) -> WriteResult:
    """Write the planned deck of `document` as a PowerPoint file at `target`, on the reference's layouts."""
    reference = getattr(options, "reference_pptx", None)
    try:
        deck = open_reference(reference)
        layouts = find_layouts(deck, reference)
    except RenderError as error:  # the reference names itself; say which output it stopped
        raise RenderError(f"{document.doctype.name}{SUFFIX}: {error}") from None
    view = deck_view(document)
    writer = DeckWriter(deck, layouts, view, document.doctype.name)
    for fitted in writer.fit_deck(plan_deck(list(document.slides), view)):
        writer.add_slide(fitted)
    set_core_properties(deck, view, options)
    deck.save(str(target))  # zip entry times and core dates are pinned after (the format's normalise)
    return WriteResult(warnings=(*layouts.warnings, *writer.warnings))


def warm_up() -> None:
    """Set up, before workers fork, what every deck measures with: the faces its text is set in."""
    load_run_fonts()


def deck_view(document: RenderedDocument) -> dict[str, Any]:
    """What the slides show besides the planned items: the brief, its source and its quote count."""
    data = document.brief.data
    return {"brief": data["brief"], "source": data["source"], "quote_count": count_quotes(data),
            "quotes_checked": document.brief.quotes_checked,
            "keywords": describe_keywords(data, number_claims(data["claims"]))}


def set_core_properties(deck: Deck, view: dict[str, Any], options: BuildOptions) -> None:
    """Title, author, subject (the bottom line), keywords, classification and language, from the brief."""
    brief = view["brief"]
    when = utc_datetime(options.source_date_epoch or 0)
    properties = deck.core_properties
    properties.title = fit_core_property(plain_text(brief["title"]))
    properties.author = fit_core_property(plain_text(brief.get("author", "")))
    properties.last_modified_by = properties.author
    properties.subject = fit_core_property(plain_text(brief["bottom_line"]))
    properties.keywords = fit_core_property(view["keywords"])
    properties.category = fit_core_property(plain_text(brief.get("classification", "")))
    properties.language = brief.get("language") or "en"
    properties.comments = ""
    properties.content_status = ""
    properties.identifier = ""
    properties.version = ""
    properties.revision = 1
    properties.created = when
    properties.modified = when
    properties.last_printed = when


class DeckWriter:
    """Adds slides to one deck: fits each planned slide to its layout's placeholders and fills them."""

    def __init__(self, deck: Deck, layouts: Layouts, view: dict[str, Any], name: str) -> None:
        self.deck = deck
        self.layouts = layouts
        self.view = view
        self.name = name
        self.language = view["brief"].get("language") or "en"
        self.floor = FLOOR_SIZE * deck.slide_width / FULL_WIDTH_EMU
        self.warnings: list[str] = []
        # A layout's placeholders and their frames are the same for every slide on it: found once.
        self.found: dict[tuple[str, frozenset], Any] = {}
        self.measured: dict[tuple[str, frozenset, float], Frame | None] = {}

    # Fitting: sizes, and continuation slides where a body cannot fit at the floor

    def placeholder(self, layout: str, types: set[str | None]):
        """The first placeholder of the named layout whose type is one of `types`, or None."""
        key = (layout, frozenset(types))
        if key not in self.found:
            self.found[key] = find_placeholder(self.layouts[layout], types)
        return self.found[key]

    def frame(self, layout: str, types: set[str | None], line_spacing: float) -> Frame | None:
        """The text frame of the named layout's placeholder of one of `types`, or None if it has none."""
        key = (layout, frozenset(types), line_spacing)
        if key not in self.measured:
            shape = self.placeholder(layout, types)
            self.measured[key] = placeholder_frame(self.deck, shape, line_spacing) if shape is not None else None
        return self.measured[key]

    def frames(self, layout: str) -> tuple[Frame | None, Frame | None]:
        return (self.frame(layout, TITLE_TYPES, TITLE_LINE_SPACING),
                self.frame(layout, BODY_TYPES, BODY_LINE_SPACING))

    def fit_deck(self, slides: list[DeckSlide]) -> list[Fitted]:
        """Every slide fitted; the evidence of all but the title slide at one size, the largest all fit at."""
        fitted = [part for slide in slides for part in self.fit(slide)]
        shared = min((part.body_scale for part in fitted if part.slide.kind != "title"), default=1.0)
        return [part if part.slide.kind == "title" else replace(part, body_scale=shared) for part in fitted]

    def fit(self, slide: DeckSlide) -> list[Fitted]:
        """The slides a planned slide becomes: one, unless its body cannot fit even at the floor.

        The title slide's smaller lines (date, source) may go to half the floor before it continues.
        """
        title_frame, body_frame = self.frames(slide.layout)
        floor = self.floor / 2 if slide.kind == "title" else self.floor
        parts = self.split_title(slide, title_frame) if title_frame is not None else [slide]
        if body_frame is not None:
            parts = [piece for part in parts for piece in self.split(part, body_frame, floor)]
        fitted = []
        for part in parts:
            title_scale = 1.0
            if title_frame is not None:
                title_scale = fit_blocks((title_block(part),), title_frame, self.floor)
                if title_scale is None:
                    raise self.too_long(part, "its title")
            body_scale = 1.0
            if body_frame is not None:
                body_scale = (fit_table(part.table, body_frame, floor) if part.table
                              else fit_blocks(part.blocks, body_frame, floor))
                if body_scale is None:
                    raise self.too_long(part, "its text")
            fitted.append(Fitted(part, title_scale, body_scale))
        return fitted

    def split_title(self, slide: DeckSlide, frame: Frame) -> list[DeckSlide]:
        """The slide, or, when its title is longer than the title placeholder holds even at the floor, its
        title cut after a word over as many slides, the body with the last part."""
        if fit_blocks((title_block(slide),), frame, self.floor) is not None:
            return [slide]
        lowest = min(scales(frame, self.floor))
        cut = cut_paragraph(title_block(slide).paragraphs[0], frame, lowest, frame.height)
        self.warnings.append(f"the title “{plain(slide.title)[:60]}…” is longer than the title placeholder "
                             f"holds; it continues over {len(cut)} slides")
        last = len(cut) - 1
        return [replace(slide, title=part.runs, blocks=slide.blocks if index == last else (),
                        table=slide.table if index == last else None, notes=slide.notes if index == 0 else (),
                        continued=slide.continued or index > 0)
                for index, part in enumerate(cut)]

    def split(self, slide: DeckSlide, frame: Frame, floor: float) -> list[DeckSlide]:
        """The slide, or its blocks (table rows) spread over as few slides as fit at the floor, in order."""
        lowest = min(scales(frame, floor))
        if slide.table is not None and max(row_heights(slide.table, frame, lowest)) > frame.height:
            # A row taller than a slide cannot be cut: its cells go one after another, as text that can.
            blocks = tuple(Block(cell) for row in slide.table.rows for cell in row if cell)
            return self.split(replace(slide, table=None, blocks=blocks), frame, floor)
        if slide.table is not None:
            groups = pack(row_heights(slide.table, frame, lowest), frame.height)
            if len(groups) == 1:
                return [slide]
            parts = [continued(slide, index, table=replace(slide.table, rows=slide.table.rows[first:end]))
                     for index, (first, end) in enumerate(groups)]
        elif fit_blocks(slide.blocks, frame, floor) is not None:
            return [slide]
        else:
            lead = tuple(block for block in slide.blocks if block.repeats)  # the eyebrow, on every part
            room = frame.height - (blocks_height(lead, frame, lowest) if lead else 0.0)
            rest = tuple(cut_blocks(slide.blocks[len(lead):], frame, lowest, room))
            # Each block counted with the space above it: the first on a slide has none, so this is safe.
            groups = pack([stacked_height(block, frame, lowest) for block in rest], room)
            parts = [continued(slide, index, blocks=lead + rest[first:end])
                     for index, (first, end) in enumerate(groups)]
        self.warnings.append(f"“{plain(slide.title)}” continues on {len(groups) - 1} more "
                             f"{'slide' if len(groups) == 2 else 'slides'} than in the PDF deck: the "
                             "reference's body placeholder holds less than the PDF slide")
        return parts  # a part that still does not fit stops the deck in fit()

    def too_long(self, slide: DeckSlide, what: str) -> RenderError:
        return RenderError(f"{self.name}.pptx: slide “{plain(slide.title)}”: {what} does not fit its "
                           f"placeholder even at {self.floor:.0f} pt; shorten the text on that slide")

    # Writing one slide

    def add_slide(self, fitted: Fitted) -> Slide:
        content = fitted.slide
        layout = self.layouts[content.layout]
        slide = self.deck.slides.add_slide(layout)
        number = len(self.deck.slides)
        title = find_placeholder(slide, TITLE_TYPES)
        body = find_placeholder(slide, BODY_TYPES) if content.blocks or content.table else None
        title_frame, body_frame = self.frames(content.layout)
        used = {shape._element for shape in (title, body) if shape is not None}
        for shape in list(slide.placeholders):  # an empty placeholder would show "Click to add text"
            if shape._element not in used:
                shape._element.getparent().remove(shape._element)
        if title is not None:
            self.fill(title, (title_block(content),), title_frame, fitted.title_scale, TITLE_LINE_SPACING)
        if body is not None and content.table is not None:
            self.fill_table(slide, body, content.table, body_frame, fitted.body_scale)
        elif body is not None:
            self.fill(body, content.blocks, body_frame, fitted.body_scale, BODY_LINE_SPACING)
        self.add_footer(slide, content.layout, number)
        self.add_notes(slide, content.notes)
        return slide

    def fill(self, shape, blocks: tuple[Block, ...], frame: Frame, scale: float, line_spacing: float) -> None:
        body = shape.text_frame._txBody
        for old in body.findall(qn("a:p")):
            body.remove(old)
        paragraphs = [para for block in blocks for para in block.paragraphs]
        for index, para in enumerate(paragraphs):
            self.write_paragraph(body, para, frame.size * scale, line_spacing, first=index == 0)
        if not paragraphs:
            body.append(etree.Element(qn("a:p")))

    def write_paragraph(self, body, para: Paragraph, size: float, line_spacing: float, first: bool):
        element = etree.SubElement(body, qn("a:p"))
        properties = etree.SubElement(element, qn("a:pPr"))
        margin = round(para.indent * size * EMU_PER_PT)
        properties.set("marL", str(margin))
        properties.set("indent", str(-margin if para.bullet else 0))
        spacing(properties, "lnSpc", "spcPts", round(line_pitch(para, size, line_spacing) * 100))
        spacing(properties, "spcBef", "spcPts", 0 if first else round(para.space_before * size * 100))
        spacing(properties, "spcAft", "spcPts", 0)
        if text_direction(plain(para.runs)) == "rtl":  # a paragraph that starts in Hebrew or Arabic
            properties.set("rtl", "1")
            properties.set("algn", "r")
        if para.bullet:
            colour_element(etree.SubElement(properties, qn("a:buClr")), "accent")
            etree.SubElement(properties, qn("a:buFont"), typeface="Arial")
            etree.SubElement(properties, qn("a:buChar"), char="•")
        else:
            etree.SubElement(properties, qn("a:buNone"))
        for run in para.runs:
            self.write_run(element, run, size)
        end = etree.SubElement(element, qn("a:endParaRPr"), lang=self.language, sz=str(hundredths(size)))
        return end

    def write_run(self, paragraph_element, run: Run, size: float) -> None:
        """The run, a link as one run per piece between its break points (link_pieces), all one link."""
        link = None
        if run.href and run.href.strip().lower().startswith(("http:", "https:", "mailto:")):
            link = self.deck.slides[-1].part.relate_to(run.href.strip(), RT.HYPERLINK, is_external=True)
        for text in link_pieces(run.text) if link else [run.text]:
            self.write_text(paragraph_element, run, text, size, link)

    def write_text(self, paragraph_element, run: Run, text: str, size: float, link: str | None) -> None:
        style = look(run.role)
        element = etree.SubElement(paragraph_element, qn("a:r"))
        properties = etree.SubElement(element, qn("a:rPr"), lang=self.language,
                                      sz=str(hundredths(run_size(run, size))))
        # Weight and slant always written, never inherited: they are what the text was measured in.
        properties.set("b", "1" if run.bold or style.bold else "0")
        properties.set("i", "1" if run.italic or style.italic else "0")
        if style.caps:
            properties.set("cap", "all")
        if style.colour:
            colour_element(etree.SubElement(properties, qn("a:solidFill")), style.colour)
        if style.serif:
            etree.SubElement(properties, qn("a:latin"), typeface=SERIF)
        if link:
            etree.SubElement(properties, qn("a:hlinkClick"), {qn("r:id"): link})
        etree.SubElement(element, qn("a:t")).text = text

    def fill_table(self, slide: Slide, body, table: Table, frame: Frame, scale: float) -> None:
        """The table in place of the body placeholder (it keeps the placeholder's idx, so it is one)."""
        heights = row_heights(table, frame, scale)
        frame_shape = TablePlaceholder(body._element, body._parent).insert_table(len(table.rows),
                                                                                  len(table.columns))
        frame_shape.height = Emu(round(sum(heights) * EMU_PER_PT))
        grid = frame_shape.table
        properties = grid._tbl.tblPr
        for flag in ("firstRow", "bandRow"):
            properties.set(flag, "0")
        style_id = properties.find(qn("a:tableStyleId"))
        if style_id is not None:
            style_id.text = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # PowerPoint's "No Style, No Grid"
        width = frame_shape.width
        shares = [round(width * share) for share in table.columns]
        shares[-1] = width - sum(shares[:-1])
        for column, column_width in zip(grid.columns, shares):
            column.width = Emu(column_width)
        for row, height, cells in zip(grid.rows, heights, table.rows):
            row.height = Emu(round(height * EMU_PER_PT))
            for index, cell in enumerate(row.cells):
                paragraphs = cells[index] if index < len(cells) else ()
                self.fill_cell(cell, paragraphs, frame.size * scale, table.rules)

    def fill_cell(self, cell, paragraphs: tuple[Paragraph, ...], size: float, rules: str) -> None:
        body = cell._tc.get_or_add_txBody()
        for old in body.findall(qn("a:p")):
            body.remove(old)
        for index, para in enumerate(paragraphs):
            self.write_paragraph(body, para, size, BODY_LINE_SPACING, first=index == 0)
        if not paragraphs:
            etree.SubElement(body, qn("a:p"))
        cell.margin_left = cell.margin_right = Emu(91440)
        cell.margin_top = cell.margin_bottom = Emu(45720)
        properties = cell._tc.get_or_add_tcPr()
        for side in ("lnL", "lnR", "lnT", "lnB"):
            line = etree.SubElement(properties, qn(f"a:{side}"))
            ruled = (side == "lnT" and rules == "top") or (side == "lnB" and rules == "bottom")
            if ruled and paragraphs:
                line.set("w", str(RULE_EMU[rules]))
                colour_element(etree.SubElement(line, qn("a:solidFill")),
                               "accent" if rules == "top" else "grey-light")
            else:
                line.set("w", "0")
                etree.SubElement(line, qn("a:noFill"))
        etree.SubElement(properties, qn("a:noFill"))

    def add_footer(self, slide: Slide, layout: str, number: int) -> None:
        """Classification (and, after the first slide, the short title) in the footer; the slide number."""
        brief = self.view["brief"]
        footer = self.placeholder(layout, {"ftr"})
        runs = []
        if brief.get("classification"):
            runs += inline_runs(brief["classification"], "classification")
        if number > 1:
            runs += ([Run("  ·  ")] if runs else []) + [Run(footer_title(brief))]
        if footer is not None and runs:
            shape = clone(slide, footer)
            frame = self.frame(layout, {"ftr"}, BODY_LINE_SPACING)
            block = (Block((Paragraph(tuple(runs)),)),)
            scale = fit_blocks(block, frame, FOOTER_FLOOR * self.deck.slide_width / FULL_WIDTH_EMU)
            if scale is None and brief.get("classification"):  # the title gives way; the marking never does
                block = (Block((Paragraph(tuple(inline_runs(brief["classification"], "classification"))),)),)
                scale = fit_blocks(block, frame, 1.0)
                self.warnings.append("the short title does not fit the footer placeholder; the footer "
                                     "shows the classification only")
            if scale is not None:
                self.fill(shape, block, frame, scale, BODY_LINE_SPACING)
            else:
                shape._element.getparent().remove(shape._element)
        elif brief.get("classification"):
            self.warnings.append(f"layout {self.layouts[layout].name!r} has no footer placeholder: its slides "
                                 "do not show the classification")
        number_placeholder = self.placeholder(layout, {"sldNum"})
        if number_placeholder is not None:
            shape = clone(slide, number_placeholder)
            body = shape.text_frame._txBody
            for old in body.findall(qn("a:p")):
                body.remove(old)
            para = etree.SubElement(body, qn("a:p"))
            field = etree.SubElement(para, qn("a:fld"), id=SLIDE_NUMBER_FIELD, type="slidenum")
            etree.SubElement(field, qn("a:rPr"), lang=self.language)
            etree.SubElement(field, qn("a:t")).text = str(number)

    def add_notes(self, slide: Slide, notes: tuple[str, ...]) -> None:
        if not notes:
            return
        frame = slide.notes_slide.notes_text_frame
        body = frame._txBody
        for old in body.findall(qn("a:p")):
            body.remove(old)
        for line in notes:
            para = etree.SubElement(body, qn("a:p"))
            run = etree.SubElement(para, qn("a:r"))
            etree.SubElement(run, qn("a:rPr"), lang=self.language)
            etree.SubElement(run, qn("a:t")).text = " ".join(line.split())


def footer_title(brief: dict[str, Any]) -> str:
    """The title the footer shows: the PDF deck's footer title, cut at a word when the planner cuts it."""
    from compiler import slides as planner

    title = plain_text(brief["title"])
    if hasattr(planner, "shorten_words") and hasattr(planner, "DECK_TITLE_CHARS"):
        return planner.shorten_words(title, planner.DECK_TITLE_CHARS)
    return title


def run_size(run: Run, size: float) -> float:
    """A run's size (pt) in a paragraph set at `size`."""
    return size * look(run.role).scale * run.scale


def hundredths(points: float) -> int:
    """A size as DrawingML writes it, in hundredths of a point (1 pt at least)."""
    return max(100, round(points * 100))


def link_pieces(text: str) -> list[str]:
    """A link's text cut after each break point (LINK_BREAKS), so that Impress can wrap it between runs.

    Impress reads each linked run as one field and wraps a field that is longer than the rest of its
    line with its lines too close, one over the other; between fields it wraps as between words.
    """
    return [piece for piece in LINK_PIECE.findall(text) if piece]


def plain(runs: tuple[Run, ...]) -> str:
    return "".join(run.text for run in runs)


def title_block(slide: DeckSlide) -> Block:
    """The slide's title as one paragraph, bold as titles are ("(continued)" keeps its own weight)."""
    runs = tuple(run if run.role == "continued" else replace(run, bold=True) for run in slide.title)
    return Block((Paragraph(runs),))


def continued(slide: DeckSlide, index: int, **content: Any) -> DeckSlide:
    """Part `index` of a slide spread over several: after the first, its title says "(continued)"."""
    title = slide.title
    if index and not slide.continued:
        title = (*title, Run(" (continued)", "continued"))
    return replace(slide, title=title, continued=slide.continued or index > 0,
                   notes=slide.notes if index == 0 else (), **content)


def pack(heights: list[float], room: float) -> list[tuple[int, int]]:
    """Consecutive items in as few groups as fit `room`, greedily (an item too tall stands alone)."""
    groups, first, used = [], 0, 0.0
    for index, height in enumerate(heights):
        if index > first and used + height > room:
            groups.append((first, index))
            first, used = index, 0.0
        used += height
    groups.append((first, len(heights)))
    return groups


def spacing(properties, tag: str, kind: str, value: int) -> None:
    etree.SubElement(etree.SubElement(properties, qn(f"a:{tag}")), qn(f"a:{kind}"), val=str(value))


def colour_element(parent, colour: str) -> None:
    """A theme colour (accent, text, or a grey mixed from the text colour) inside `parent`."""
    slot, mix = COLOURS[colour]
    element = etree.SubElement(parent, qn("a:schemeClr"), val=slot)
    if mix:
        etree.SubElement(element, qn("a:lumMod"), val=str(mix[0]))
        etree.SubElement(element, qn("a:lumOff"), val=str(mix[1]))
