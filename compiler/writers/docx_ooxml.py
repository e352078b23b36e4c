"""WordprocessingML that python-docx has no API for: hyperlinks, fields, bookmarks, list restarts,
style fallback, settings and package properties; and runs made directly, as python-docx makes them
(its API inserts each property after a search for every element that may follow it)."""

from __future__ import annotations

import copy
from xml.sax.saxutils import escape

from docx.document import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.parts.numbering import NumberingPart
from docx.styles.style import BaseStyle, StyleFactory
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

WORDPROCESSING = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

QUOTE = {'"': "&quot;"}


def element(tag: str, **attributes: str) -> OxmlElement:
    """A new `w:` element with `w:` attributes (`element("w:numId", val="3")`)."""
    made = OxmlElement(tag)
    for name, value in attributes.items():
        made.set(qn(f"w:{name}"), value)
    return made


# A new w:p's or w:r's properties element and the style element that comes first in it.
PROPERTIES = {qn("w:p"): (qn("w:pPr"), qn("w:pStyle")), qn("w:r"): (qn("w:rPr"), qn("w:rStyle"))}
VAL = qn("w:val")
XML_SPACE = qn("xml:space")
RUN, TEXT, BREAK, BOLD, ITALIC = (qn(tag) for tag in ("w:r", "w:t", "w:br", "w:b", "w:i"))
BOOKMARK_START, BOOKMARK_END, BOOKMARK_ID, BOOKMARK_NAME = (
    qn(name) for name in ("w:bookmarkStart", "w:bookmarkEnd", "w:id", "w:name"))


def start_properties(paragraph_or_run, style_id: str | None):
    """The w:pPr (w:rPr) of a new, empty w:p (w:r), naming the style `style_id` (None: no w:pStyle),
    as python-docx's `.style = style_id` makes it; added directly, since the element is empty (python-
    docx would look for each of the 40 elements that may follow before inserting each one)."""
    tag, style_tag = PROPERTIES[paragraph_or_run.tag]
    properties = etree.SubElement(paragraph_or_run, tag)
    if style_id is not None:
        etree.SubElement(properties, style_tag).set(VAL, style_id)
    return properties


def append_run(parent, text: str, style_id: str | None, styled: bool, bold: bool, italic: bool):
    """A w:r at the end of `parent` (a w:p or w:hyperlink) holding `text` ("\n": a line break), as
    python-docx's `add_run`, `bold`, `italic` and `style` make it: properties first, in schema order
    (w:rStyle, w:b, w:i), an empty w:rPr for a run `styled` in the default character style."""
    run = etree.SubElement(parent, RUN)
    if styled or bold or italic:
        properties = start_properties(run, style_id)
        if bold:
            etree.SubElement(properties, BOLD)
        if italic:
            etree.SubElement(properties, ITALIC)
    if text == "\n":
        etree.SubElement(run, BREAK)
    elif "\t" in text or "\n" in text or "\r" in text:
        Run(run, None).text = text  # python-docx turns these into w:tab, w:br and w:cr
    elif text:
        add_text(run, text)
    return run


def add_text(run, text: str) -> None:
    """One w:t, as python-docx's `add_t` writes it (space kept when the text starts or ends with one)."""
    element = etree.SubElement(run, TEXT)
    element.text = text
    if len(text.strip()) < len(text):
        element.set(XML_SPACE, "preserve")


def append_hyperlink(paragraph: Paragraph, url: str) -> OxmlElement:
    """An external w:hyperlink at the end of `paragraph`; the caller moves its runs into it."""
    relationship_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship_id)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    return link


def append_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (`PAGE`, `NUMPAGES`), which Word and LibreOffice both update on layout."""
    run_properties = paragraph.runs[-1]._r.rPr if paragraph.runs else None
    pieces = [element("w:fldChar", fldCharType="begin"), instruction_text(instruction),
              element("w:fldChar", fldCharType="separate"), result_text(placeholder),
              element("w:fldChar", fldCharType="end")]
    for piece in pieces:
        run = OxmlElement("w:r")
        if run_properties is not None:
            run.append(copy.deepcopy(run_properties))
        run.append(piece)
        paragraph._p.append(run)


def instruction_text(instruction: str) -> OxmlElement:
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    return text


def result_text(placeholder: str) -> OxmlElement:
    text = OxmlElement("w:t")
    text.text = placeholder
    return text


# The style types python-docx is asked for a default of (the writer's, and the language's Normal).
DEFAULTED_TYPES = (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE)
STYLE_TYPES = {None: None, **{kind.xml_value: kind for kind in WD_STYLE_TYPE}}  # w:type's values
TYPE, DEFAULT = qn("w:type"), qn("w:default")


class StyleIndex:
    """The w:style elements of one w:styles part by Word name (any case) and by id, and the default
    style of each type, read once.

    Word's names are matched in lower case, as Word matches its built-ins. The first style with a
    name or id wins, as a search through the part would find; the last default of a type, as python-
    docx's `styles.default` finds it. `copy_style` keeps the index current.
    """

    def __init__(self, styles) -> None:
        self.styles = styles
        self.by_name: dict[str, object] = {}
        self.by_id: dict[str, object] = {}
        self.defaults: dict[WD_STYLE_TYPE, object] = {}
        self.frozen = False  # set on an index whose styles documents share: nothing may be added
        for style in styles.iterchildren(qn("w:style")):
            self.remember(style)

    def remember(self, style) -> None:
        name = style.find(qn("w:name"))
        if name is not None:
            self.by_name.setdefault(name.get(qn("w:val"), "").lower(), style)
        self.by_id.setdefault(style.get(qn("w:styleId")), style)
        # As python-docx reads w:type and w:default (an unknown value raises), without its enum search.
        given = style.get(TYPE)
        kind = STYLE_TYPES[given] if given in STYLE_TYPES else style.type
        if kind in DEFAULTED_TYPES and style.get(DEFAULT) is not None and style.default:
            self.defaults[kind] = style

    def default(self, kind: WD_STYLE_TYPE) -> BaseStyle | None:
        """The default style of `kind` (what Word applies where no style is named), or None."""
        found = self.defaults.get(kind)
        return None if found is None else StyleFactory(found)

    def find(self, name: str):
        """The w:style called `name`, or None."""
        return self.by_name.get(name.lower())

    def find_id(self, style_id: str | None):
        """The w:style whose id is `style_id`, or None."""
        return self.by_id.get(style_id)

    def append(self, style) -> None:
        if self.frozen:
            raise RuntimeError("a style was added to styles documents share (a Word writer bug)")
        self.styles.append(style)
        self.remember(style)


def copy_style(target: StyleIndex, source: StyleIndex, name: str) -> bool:
    """Copy style `name` (and the styles it is based on or linked to) into `target`.

    Numbering is dropped from a copied style: its numIds mean nothing in another document, and the
    list writer gives a style without numbering its own. Returns False when `source` lacks it.
    """
    style = source.find(name)
    if style is None:
        return False
    if target.find(name) is not None:
        return True
    copied = copy.deepcopy(style)
    for numbering in copied.findall(f"{qn('w:pPr')}/{qn('w:numPr')}"):
        numbering.getparent().remove(numbering)
    copied.attrib.pop(qn("w:default"), None)
    make_style_id_unique(target, copied)
    target.append(copied)
    for relation in ("w:basedOn", "w:link", "w:next"):
        related = style.find(qn(relation))
        if related is not None:
            copy_related_style(target, source, related.get(qn("w:val")), copied, relation)
    return True


def copy_related_style(target: StyleIndex, source: StyleIndex, style_id: str, copied, relation: str) -> None:
    """Bring along the style `copied` points at, re-pointing it at the target's own copy of it."""
    related = source.find_id(style_id)
    pointer = copied.find(qn(relation))
    if related is None:
        copied.remove(pointer)
        return
    name = related.find(qn("w:name")).get(qn("w:val"))
    if not copy_style(target, source, name):
        copied.remove(pointer)
        return
    pointer.set(qn("w:val"), target.find(name).get(qn("w:styleId")))


def make_style_id_unique(target: StyleIndex, style) -> None:
    """Rename a copied style's id if the target already uses it for a differently named style."""
    style_id = style.get(qn("w:styleId"))
    candidate, counter = style_id, 1
    while candidate in target.by_id:
        counter += 1
        candidate = f"{style_id}{counter}"
    style.set(qn("w:styleId"), candidate)


def style_numbering(styles: StyleIndex, style) -> tuple[int, int] | None:
    """(numId, ilvl) a paragraph style applies, following its basedOn chain; None if it has none."""
    while style is not None:
        numbering = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if numbering is not None and numbering.find(qn("w:numId")) is not None:
            level = numbering.find(qn("w:ilvl"))
            return (int(numbering.find(qn("w:numId")).get(qn("w:val"))),
                    int(level.get(qn("w:val"))) if level is not None else 0)
        based_on = style.find(qn("w:basedOn"))
        if based_on is None:
            return None
        style = styles.find_id(based_on.get(qn("w:val")))
    return None


def numbering_of(document: Document):
    """The document's w:numbering, adding an empty numbering part to a reference that has none (one
    saved by LibreOffice from a file without lists), which python-docx cannot do itself."""
    part = document.part
    for relationship in part.rels.values():
        if relationship.reltype == RELATIONSHIP_TYPE.NUMBERING:
            return relationship.target_part.element
    empty = parse_xml(f'<w:numbering xmlns:w="{WORDPROCESSING}"/>')
    numbering = NumberingPart(PackURI("/word/numbering.xml"), CONTENT_TYPE.WML_NUMBERING, empty, part.package)
    part.relate_to(numbering, RELATIONSHIP_TYPE.NUMBERING)
    return numbering.element


def abstract_num_id(numbering, num_id: int) -> int | None:
    """The abstractNumId a w:num points at, or None when the numId is unknown."""
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) == str(num_id):
            return int(num.find(qn("w:abstractNumId")).get(qn("w:val")))
    return None


def add_restarting_num(numbering, abstract_id: int, level: int) -> int:
    """A new w:num on `abstract_id` whose `level` starts again at 1: one per ordered list."""
    num = numbering.add_num(abstract_id)
    override = num.add_lvlOverride(ilvl=level)
    override.add_startOverride(1)
    return int(num.get(qn("w:numId")))


def add_abstract_list(numbering, ordered: bool, level: int) -> int:
    """A single-level list definition (for a reference document whose list styles carry none)."""
    taken = [int(found) for found in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
    abstract_id = max(taken, default=-1) + 1
    abstract = element("w:abstractNum", abstractNumId=str(abstract_id))
    abstract.append(element("w:multiLevelType", val="singleLevel"))
    lvl = element("w:lvl", ilvl="0")
    lvl.append(element("w:start", val="1"))
    lvl.append(element("w:numFmt", val="decimal" if ordered else "bullet"))
    lvl.append(element("w:lvlText", val="%1." if ordered else "•"))
    lvl.append(element("w:lvlJc", val="left"))
    paragraph = element("w:pPr")
    paragraph.append(element("w:ind", left=str(360 * (level + 1)), hanging="360"))
    lvl.append(paragraph)
    abstract.append(lvl)
    # Schema order: every w:abstractNum before the first w:num.
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    return abstract_id


def set_paragraph_numbering(paragraph: Paragraph, num_id: int, level: int) -> None:
    properties = paragraph._p.get_or_add_pPr()
    numbering = properties.get_or_add_numPr()
    numbering.get_or_add_ilvl().val = level
    numbering.get_or_add_numId().val = num_id


# What may follow w:bidi in a w:pPr, in the schema's order (python-docx has no property for it).
AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
              "w:pPrChange")


def set_right_to_left(paragraph: Paragraph) -> None:
    """Set the paragraph from the right, as Word does for a Hebrew or Arabic paragraph."""
    properties = paragraph._p.get_or_add_pPr()
    if properties.find(qn("w:bidi")) is None:
        properties.insert_element_before(element("w:bidi"), *AFTER_BIDI)


def add_spacer(paragraph: Paragraph) -> None:
    """Make an empty paragraph 1 pt high with no space around it."""
    paragraph.paragraph_format.space_before = 0
    paragraph.paragraph_format.space_after = 0
    paragraph.paragraph_format.line_spacing = Pt(1)


def repeat_header_row(row) -> None:
    """Mark a table row as a header row, repeated at the top of each page the table spans."""
    properties = row._tr.get_or_add_trPr()
    properties.append(element("w:tblHeader"))
    properties.append(element("w:cantSplit"))


def end_section(document: Document, columns: int) -> None:
    """End a section at the last paragraph so far, laid out in `columns`; the rest continues on the page.

    The new section copies the document's final w:sectPr (page size, margins, header and footer
    references), so every section keeps the running header and footer.
    """
    body = document.element.body
    final = body.find(qn("w:sectPr"))
    last = body[-2] if len(body) > 1 else None
    if last is None or last.tag != qn("w:p"):
        last = document.add_paragraph()._p
    section = copy.deepcopy(final)
    set_columns(section, columns)
    last.get_or_add_pPr()._insert_sectPr(section)
    final.start_type = WD_SECTION_START.CONTINUOUS  # what follows the break stays on the same page


def set_columns(section, columns: int) -> None:
    cols = section.find(qn("w:cols"))
    if cols is None:
        cols = element("w:cols")
        section.insert_element_before(cols, "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
                                      "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
                                      "w:printerSettings", "w:sectPrChange")
    cols.set(qn("w:num"), str(columns))
    cols.set(qn("w:space"), "454")  # 8 mm between columns, as the stylesheets have it


def start_bookmark(paragraph: Paragraph, bookmark_id: int, name: str) -> None:
    """Open bookmark `name` at the end of `paragraph`: the runs added next are inside it."""
    etree.SubElement(paragraph._p, BOOKMARK_START, {BOOKMARK_ID: str(bookmark_id), BOOKMARK_NAME: name})


def end_bookmark(paragraph: Paragraph, bookmark_id: int) -> None:
    etree.SubElement(paragraph._p, BOOKMARK_END, {BOOKMARK_ID: str(bookmark_id)})


def tidy_settings(settings) -> None:
    """Settings a reference may carry that would make the output invalid or untruthful.

    A w:zoom needs w:percent (the schema requires it); a w:proofState would tell Word the text was
    already spell-checked, which nobody did for this text.
    """
    for zoom in settings.findall(qn("w:zoom")):
        if zoom.get(qn("w:percent")) is None:
            zoom.set(qn("w:percent"), "100")
    for proof_state in settings.findall(qn("w:proofState")):
        settings.remove(proof_state)


DOCUMENT_PROPERTY_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
CUSTOM_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
EXTENDED_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CUSTOM_PROPERTY_ID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the format id every custom property has


def describe_application(document: Document, statistics: dict[str, int]) -> None:
    """docProps/app.xml saying what made the file and how much text it holds (not how many pages:
    that is the reader's layout to decide)."""
    names = ("Words", "Characters", "Paragraphs", "CharactersWithSpaces")
    fields = "".join(f"<{name}>{statistics[name]}</{name}>" for name in names)
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<Properties xmlns="{EXTENDED_PROPERTIES}" xmlns:vt="{DOCUMENT_PROPERTY_TYPES}">'
           f"{fields}<Application>briefing compiler</Application><DocSecurity>0</DocSecurity></Properties>")
    put_package_part(document, "/docProps/app.xml", EXTENDED_PROPERTIES_TYPE, RELATIONSHIP_TYPE.EXTENDED_PROPERTIES,
                     xml.encode("utf-8"))


def text_statistics(body) -> dict[str, int]:
    """Words, characters and paragraphs of a document body, as Word counts them for its properties."""
    paragraphs = [text for text in ("".join(t.text or "" for t in p.iter(TEXT)) for p in body.iter(qn("w:p")))
                  if text.strip()]
    text = " ".join(paragraphs)
    return {"Words": len(text.split()), "Characters": len("".join(text.split())),
            "Paragraphs": len(paragraphs), "CharactersWithSpaces": len(text)}


def set_custom_properties(document: Document, properties: dict[str, str]) -> None:
    """docProps/custom.xml holding `properties` as text (the reference's own are dropped)."""
    items = "".join(
        f'<property fmtid="{CUSTOM_PROPERTY_ID}" pid="{pid}" name="{escape(name, QUOTE)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<Properties xmlns="{CUSTOM_PROPERTIES}" xmlns:vt="{DOCUMENT_PROPERTY_TYPES}">{items}</Properties>')
    put_package_part(document, "/docProps/custom.xml", CUSTOM_PROPERTIES_TYPE, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES,
                     xml.encode("utf-8"))


def read_custom_properties(package) -> dict[str, str]:
    """The text custom properties of an opened package (python-docx's), by name."""
    part = related_part(package, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)
    if part is None:
        return {}
    root = parse_part(part.blob)
    return {found.get("name"): "".join(found.itertext()) for found in root.iter(f"{{{CUSTOM_PROPERTIES}}}property")}


def parse_part(blob: bytes):
    """A package part's XML, read as python-docx reads parts: no entities expanded, nothing fetched."""
    return etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))


def related_part(package, relationship_type: str):
    for relationship in package.rels.values():
        if relationship.reltype == relationship_type and not relationship.is_external:
            return relationship.target_part
    return None


def put_package_part(document: Document, name: str, content_type: str, relationship_type: str,
                     blob: bytes) -> None:
    """Replace the package-level part of that relationship type with `blob`, or add it."""
    package = document.part.package
    part = related_part(package, relationship_type)
    if part is not None:
        part._blob = blob
        return
    package.relate_to(Part(PackURI(name), content_type, blob, package), relationship_type)
