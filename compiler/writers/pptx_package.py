"""A PowerPoint deck's frame: the reference deck emptied of its slides and links, its layouts found by name.

From a reference (ours or a user's) only its parts are taken: masters, layouts, themes, the notes
master. Its own slides go (their ids, relationships, sections and custom shows with them, so no
reference is left dangling), and so does every external relationship (linked pictures, hyperlinks),
which is never followed. A macro-enabled deck's code is dropped and the result is a plain .pptx.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide, SlideLayout

from compiler.diagnostics import RenderError
from compiler.locations import TEMPLATES_DIR
from compiler.writers.pptx_fit import EMU_PER_PT, Frame

REFERENCE_PPTX = TEMPLATES_DIR / "reference.pptx"
R_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# What a deck's presentation part may relate to; anything else in a reference (its slides, macros,
# printer settings, tags, custom XML) is dropped.
KEPT_PRESENTATION_RELATIONSHIPS = {RT.SLIDE_MASTER, RT.NOTES_MASTER, RT.HANDOUT_MASTER, RT.THEME,
                                   RT.PRES_PROPS, RT.VIEW_PROPS, RT.TABLE_STYLES, RT.FONT}
KEPT_PACKAGE_RELATIONSHIPS = {RT.OFFICE_DOCUMENT, RT.CORE_PROPERTIES}
DEFAULT_INSETS = {"lIns": 91440, "tIns": 45720, "rIns": 91440, "bIns": 45720}  # EMU, PowerPoint's
DEFAULT_SIZE = 18.0  # pt: what PowerPoint sets when no style names a size
SECTION_LIST = "{http://schemas.microsoft.com/office/powerpoint/2010/main}sectionLst"

TITLE_TYPES = {"title", "ctrTitle"}
BODY_TYPES = {"body", "obj", "subTitle", None}  # None: a placeholder without a type is a body
# The layouts the writer uses, and what a stand-in must hold when a reference lacks one by name.
# LibreOffice Impress saves its layouts under names of its own.
LAYOUT_ALIASES = {"Title Slide": ("title slide",), "Title and Content": ("title and content", "title, content")}
NEEDED_LAYOUTS = {"Title Slide": ({"ctrTitle", "title"}, {"subTitle", "body", "obj", None}),
                  "Title and Content": ({"title"}, {"obj", "body", None})}


def open_reference(path: Path | None) -> Deck:
    """The reference deck with no slides, no external relationships and no macros, ready to fill."""
    source = path or REFERENCE_PPTX
    try:
        deck = Presentation(str(source))
    except (ValueError, KeyError, OSError) as error:
        raise RenderError(f"{source}: not a PowerPoint deck ({error}); save it from PowerPoint or "
                             "Impress as .pptx, or copy templates/reference.pptx") from None
    deck.part._content_type = CT.PML_PRESENTATION_MAIN
    remove_slides(deck)
    keep_presentation_relationships(deck)
    keep_package_relationships(deck)
    for part in list(deck.part.package.iter_parts()):
        drop_external_relationships(part)
    return deck


def remove_slides(deck: Deck) -> None:
    """Take the reference's own slides out with everything that points at them."""
    presentation = deck.part._element
    slide_ids = presentation.find(qn("p:sldIdLst"))
    if slide_ids is not None:
        for entry in list(slide_ids):
            slide_ids.remove(entry)
    for tag in ("p:custShowLst",):
        for found in presentation.findall(qn(tag)):
            presentation.remove(found)
    for sections in presentation.iter(SECTION_LIST):
        extension = sections.getparent()
        extension.getparent().remove(extension)
    extensions = presentation.find(qn("p:extLst"))
    if extensions is not None and len(extensions) == 0:
        presentation.remove(extensions)


def keep_presentation_relationships(deck: Deck) -> None:
    part = deck.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype not in KEPT_PRESENTATION_RELATIONSHIPS:
            remove_references(part._element, rel_id)
            part.rels._rels.pop(rel_id)


def keep_package_relationships(deck: Deck) -> None:
    """Only the deck and its core properties: no thumbnail of the reference, no app or custom properties."""
    rels = deck.part.package._rels
    for rel_id, rel in list(rels.items()):
        if rel.reltype not in KEPT_PACKAGE_RELATIONSHIPS:
            rels._rels.pop(rel_id)


def drop_external_relationships(part) -> None:
    """Forget every link out of the package, with the XML that refers to it."""
    element = getattr(part, "_element", None)
    for rel_id, rel in list(part.rels.items()):
        if rel.is_external:
            if element is not None:
                remove_references(element, rel_id)
            part.rels._rels.pop(rel_id)


def remove_references(root, rel_id: str) -> None:
    """Remove what refers to a relationship: the link of a picture that also embeds its image, the
    whole picture when its image is only linked, else the referring element (a hyperlink, a tag)."""
    for element in list(root.iter()):
        for name, value in list(element.attrib.items()):
            if value != rel_id or not name.startswith(f"{{{R_NAMESPACE}}}"):
                continue
            if name.endswith("}link") and element.get(qn("r:embed")):
                del element.attrib[name]
                break
            pictures = [found for found in element.iterancestors(qn("p:pic"))] if element.tag == qn("a:blip") else []
            doomed = pictures[0] if pictures else element
            if doomed.getparent() is not None:
                doomed.getparent().remove(doomed)
            break


@dataclass(frozen=True)
class Layouts:
    """The layouts the writer uses, by the name it asks for."""

    by_name: dict[str, SlideLayout]
    warnings: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> SlideLayout:
        return self.by_name[name]


def placeholder_types(layout: SlideLayout) -> set[str | None]:
    types = set()
    for shape in layout.placeholders:
        ph = shape._element.find(f".//{qn('p:ph')}")
        types.add(ph.get("type") if ph is not None else None)
    return types


def find_layouts(deck: Deck, source: Path | None) -> Layouts:
    """Each layout we need, by its PowerPoint name (any case, or Impress's name for it); else the first
    other layout with the placeholders it needs.

    A reference without such a layout fails with the names of the layouts it has.
    """
    layouts = [layout for master in deck.slide_masters for layout in master.slide_layouts]
    found: dict[str, SlideLayout] = {}
    warnings = []
    for name, (titles, bodies) in NEEDED_LAYOUTS.items():
        holding = [layout for layout in layouts
                   if placeholder_types(layout) & titles and placeholder_types(layout) & bodies]
        named = [layout for layout in holding if layout.name.strip().lower() in LAYOUT_ALIASES[name]]
        if named:
            found[name] = named[0]
            continue
        fitting = [layout for layout in holding if layout not in found.values()]
        if not fitting:
            have = ", ".join(repr(layout.name) for layout in layouts) or "none"
            raise RenderError(
                f"{source or REFERENCE_PPTX}: has no layout {name!r} with a title and a body placeholder, "
                f"nor another layout with both; its layouts: {have}; add one (in PowerPoint: View > Slide "
                "Master) or use templates/reference.pptx")
        found[name] = fitting[0]
        warnings.append(f"the reference has no layout named {name!r}; used {fitting[0].name!r}, "
                        "which has a title and a body placeholder")
    return Layouts(found, tuple(warnings))


# Placeholders: finding them, and what a layout's gives its text (size, insets, inherited)

def placeholder_type(shape) -> str | None:
    ph = shape._element.find(f".//{qn('p:ph')}")
    return ph.get("type") if ph is not None else None


def find_placeholder(owner, types: set[str | None]):
    """The first placeholder of a slide or layout whose type is one of `types` (body: also untyped)."""
    for shape in owner.placeholders:
        if placeholder_type(shape) in types:
            return shape
    return None


def clone(slide: Slide, layout_placeholder):
    """A slide placeholder inheriting from `layout_placeholder` (python-pptx leaves footers out)."""
    slide.shapes.clone_placeholder(layout_placeholder)
    return slide.placeholders[layout_placeholder.placeholder_format.idx]


def placeholder_frame(deck: Deck, shape, line_spacing: float) -> Frame:
    """A layout placeholder's text area (its size less its insets) and first-level font size, in points."""
    chain = base_chain(shape)
    insets = {key: inherited_inset(chain, key) for key in DEFAULT_INSETS}
    width = (shape.width - insets["lIns"] - insets["rIns"]) / EMU_PER_PT
    height = (shape.height - insets["tIns"] - insets["bIns"]) / EMU_PER_PT
    return Frame(width, height, inherited_size(deck, shape, chain), line_spacing)


def base_chain(shape) -> list:
    """The placeholder, then the ones it inherits from (a layout's from its master's), as XML elements."""
    chain = []
    while shape is not None:
        chain.append(shape._element)
        shape = getattr(shape, "_base_placeholder", None)
    return chain


def inherited_inset(chain: list, key: str) -> int:
    """An inset of the first placeholder in the chain (base_chain) that sets it; else PowerPoint's."""
    for element in chain:
        body = element.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}")
        if body is not None and body.get(key) is not None:
            return int(body.get(key))
    return DEFAULT_INSETS[key]


def inherited_size(deck: Deck, shape, chain: list) -> float:
    """The first-level font size a placeholder's text takes: its own, its master's (`chain`, from
    base_chain), the text styles'."""
    path = f"{qn('p:txBody')}/{qn('a:lstStyle')}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}"
    for element in chain:
        found = element.find(path)
        if found is not None and found.get("sz"):
            return int(found.get("sz")) / 100
    kind = placeholder_type(shape)
    style = "p:titleStyle" if kind in TITLE_TYPES else "p:bodyStyle" if kind in BODY_TYPES else "p:otherStyle"
    master = shape.part.slide_master if hasattr(shape.part, "slide_master") else None
    if master is not None:
        found = master._element.find(f"{qn('p:txStyles')}/{qn(style)}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}")
        if found is not None and found.get("sz"):
            return int(found.get("sz")) / 100
    found = deck.part._element.find(f"{qn('p:defaultTextStyle')}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}")
    if found is not None and found.get("sz"):
        return int(found.get("sz")) / 100
    return DEFAULT_SIZE
