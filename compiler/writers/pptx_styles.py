"""The look of the PowerPoint deck: palette, sizes, and how each kind of text is set relative to its placeholder."""

from __future__ import annotations

from dataclasses import dataclass

# The palette of templates/common.css: one accent plus greys.
ACCENT = "1F4E79"
INK = "1B1B1B"
GREY_DARK = "4A4A4A"
GREY = "767676"
GREY_LIGHT = "C9C9C9"

SANS = "Noto Sans"
SERIF = "Noto Serif"

# Our reference deck's sizes (pt): the PDF deck's, scaled from its 320 mm page to a 13.33 in slide.
TITLE_SIZE = 32
BODY_SIZE = 24
FLOOR_SIZE = 24  # no body text below this on a 13.33 in slide (document-design.md); scaled to the slide
FULL_WIDTH_EMU = 12192000


# Colours by theme slot, so that a new theme recolours the deck: the accent, the text, greys mixed from it
# (lumMod, lumOff in thousandths of a percent, as DrawingML writes them).
COLOURS = {"accent": ("accent1", None), "ink": ("tx1", None), "grey-dark": ("tx1", (70000, 30000)),
           "grey": ("tx1", (50000, 50000)), "grey-light": ("tx1", (25000, 75000))}


@dataclass(frozen=True)
class Look:
    """How one kind of text is set: its size as a share of the placeholder's, weight, face, colour."""

    scale: float = 1.0
    bold: bool = False
    italic: bool = False
    serif: bool = False
    colour: str | None = None  # a COLOURS name; None: the placeholder's own colour
    caps: bool = False
    line: float | None = None  # line pitch in ems of this text, when not the placeholder's


# Each run role of the deck model, as the PDF deck sets it (templates/slides.css, sizes relative to 23 pt).
LOOKS = {
    "": Look(),
    "number": Look(bold=True, colour="accent"),
    "kind-fact": Look(scale=14 / 23, bold=True, caps=True, colour="ink"),
    "kind-assessment": Look(scale=14 / 23, bold=True, caps=True, colour="grey-dark"),
    "kind-proposal": Look(scale=14 / 23, bold=True, caps=True, colour="accent"),
    "quote": Look(italic=True, serif=True, colour="grey-dark"),
    "paragraph-ref": Look(colour="grey"),
    "eyebrow": Look(scale=13 / 23, bold=True, caps=True, colour="accent"),
    "statement": Look(scale=27 / 23, line=1.34),
    "supports": Look(colour="grey-dark"),
    "value": Look(scale=46 / 23, bold=True, colour="accent", line=1.05),
    "value-long": Look(scale=30 / 23, bold=True, colour="accent", line=1.05),
    "value-four": Look(scale=38 / 23, bold=True, colour="accent", line=1.05),  # 7 or 8 figures, 4 to a row
    "value-four-long": Look(scale=26 / 23, bold=True, colour="accent", line=1.05),
    "value-sized": Look(bold=True, colour="accent", line=1.05),  # scaled by the run to the planner's size
    "label": Look(colour="grey-dark"),
    "date": Look(bold=True, colour="accent"),
    "meta": Look(scale=16 / 23, colour="grey"),
    "title-source": Look(scale=14 / 23, colour="grey"),
    "url": Look(scale=18 / 23),
    "verification": Look(bold=True, colour="grey-dark"),
    "continued": Look(scale=0.8, colour="grey"),
    "classification": Look(bold=True, colour="accent"),
}


def look(role: str) -> Look:
    """The look of a run role ("" for plain text)."""
    return LOOKS[role]
