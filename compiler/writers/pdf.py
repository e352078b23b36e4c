"""PDF writer: lays the rendered document out, checks its page budget, writes a tagged PDF."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from compiler.layout import lay_out  # first: it loads WeasyPrint's libraries by their exact names

from weasyprint.document import Document  # noqa: E402
from weasyprint.formatting_structure.boxes import LineBox, MarginBox, PageBox  # noqa: E402

from compiler.diagnostics import Problem, RenderError  # noqa: E402
from compiler.document import BuildOptions, RenderedDocument  # noqa: E402
from compiler.fingerprint import PDF_PLACEHOLDER  # noqa: E402
from compiler.writers import WriteResult, format_named

LINE_HEIGHT_EM = 1.4  # converts an overflow height into "about N lines" of body text


@lru_cache(maxsize=1)
def check_subsetter() -> tuple[str, ...]:
    """A warning for every PDF when WeasyPrint has to fall back to its slow font subsetter (checked once)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        return ()
    return ("libharfbuzz-subset0 (HarfBuzz 4.1 or later) is missing: fonts are subset with fontTools, "
            "which is much slower; install it with scripts/setup-system",)


def find_overflowing(layout: Document, labels: dict[str, str]) -> list[str]:
    """Labels of one-page elements laid out over more than one page (their id anchors each page)."""
    pages_of: dict[str, int] = {}
    for page in layout.pages:
        for anchor in page.anchors:
            if anchor in labels:
                pages_of[anchor] = pages_of.get(anchor, 0) + 1
    return [labels[anchor] for anchor, count in pages_of.items() if count > 1]


def measure_overflow(layout: Document, max_pages: int) -> float:
    """Height (CSS px) of content beyond the page budget, less the room left on the budget's last page.

    A block that cannot split (a flex row, a grid) moves whole to the next page; the room it left
    behind counts, so the estimate is what must go, not the size of the block that moved.
    """
    pages = [page._page_box for page in layout.pages]
    beyond = sum(text_bottom(box) - box.content_box_y() for box in pages[max_pages:])
    last = pages[max_pages - 1]
    room = last.content_box_y() + last.height - text_bottom(last)
    return max(beyond - room, 0.0)


def text_bottom(page_box: PageBox) -> float:
    """Where the last line of text on a page ends (its content top when it has none)."""
    return max((line.position_y + line.height for line in iter_lines(page_box)),
               default=page_box.content_box_y())


def iter_lines(page_box: PageBox) -> Iterator[LineBox]:
    """The line boxes of a page's content, leaving out its margin boxes (header and footer)."""
    for child in page_box.children:
        if not isinstance(child, MarginBox):
            yield from (box for box in child.descendants() if isinstance(box, LineBox))


def body_line_height(layout: Document) -> float:
    """The height of one body line (CSS px), from the body's font size."""
    box = layout.pages[0]._page_box
    for child in box.descendants():
        if child.element_tag == "body":
            return child.style["font_size"] * LINE_HEIGHT_EM
    return 16 * LINE_HEIGHT_EM


LONG_PARTS = 2  # parts named when a document runs long


def measure_parts(layout: Document) -> list[tuple[str, float, str]]:
    """(heading, pages, brief key) of each top-level section of the body that has a heading, longest first.

    The key is the section's `data-part`: the part of the brief it shows, where a warning about it points.
    """
    heights: dict[int, list] = {}
    for page in layout.pages:
        page_box = page._page_box
        body = next((box for box in page_box.descendants() if box.element_tag == "body"), None)
        for box in getattr(body, "children", ()):
            key = id(box.element)
            if key not in heights:  # a part's later fragments, on the pages it runs on to, have no heading
                heading = section_heading(box)
                if not heading:
                    continue
                heights[key] = [heading, 0.0, box.element.get("data-part") or ""]
            heights[key][1] += box.margin_height() / page_box.height
    return sorted((tuple(part) for part in heights.values()), key=lambda part: -part[1])


def section_heading(box: object) -> str:
    """The text of a section box's first heading (h2), or "" for anything else."""
    if getattr(box, "element_tag", "") != "section":
        return ""
    heading = next((child for child in box.descendants() if child.element_tag == "h2"), None)
    if heading is None:
        return ""
    return " ".join("".join(text.text for text in heading.descendants() if hasattr(text, "text")).split())


def check_page_budget(document: RenderedDocument, layout: Document) -> tuple[str | Problem, ...]:
    """Fail (or warn, as the document type declares) when the document runs over its pages.

    A warning points at the brief's key for the longest part, the place to start shortening.
    """
    doctype = document.doctype
    count = len(layout.pages)
    if doctype.max_pages is None or count <= doctype.max_pages:
        return ()
    lines = max(1, round(measure_overflow(layout, doctype.max_pages) / body_line_height(layout)))
    limit = "page" if doctype.max_pages == 1 else "pages"
    longest = measure_parts(layout)[:LONG_PARTS]
    parts = ", ".join(f"“{name}” {pages:.1f} pages" for name, pages, _ in longest)
    message = (f"{doctype.name} runs to {count} pages (budget {doctype.max_pages} {limit}): about "
               f"{lines} {'line' if lines == 1 else 'lines'} too long"
               f"{f'; the longest parts: {parts}' if parts else ''}; {doctype.overflow_hint}")
    if doctype.over_budget_fails:
        raise RenderError(message)
    key = next((key for _, _, key in longest if key), "")
    if not key:
        return (message,)
    brief = document.brief
    return (Problem(str(brief.path), *brief.location(key), key, f"{doctype.name}.pdf: {message}"),)


NAMED_OVERFLOWS = 3  # past a few, naming more slides only makes the line harder to read


def check_one_page_elements(document: RenderedDocument, layout: Document, labels: dict[str, str]) -> None:
    """Fail naming every element (e.g. a slide) that had to fit one page and did not."""
    overflowing = find_overflowing(layout, labels)
    if overflowing:
        names = "; ".join(overflowing[:NAMED_OVERFLOWS])
        if len(overflowing) > NAMED_OVERFLOWS:
            names += f" and {len(overflowing) - NAMED_OVERFLOWS} more"
        verb = "runs" if len(overflowing) == 1 else "each run"
        raise RenderError(f"{document.doctype.name}: {names} {verb} over one page; "
                          f"{document.doctype.overflow_hint}")


def write_options(options: BuildOptions) -> dict[str, object]:
    """WeasyPrint's PDF options: tagged by default, a PDF/A variant on request."""
    variants = format_named("pdf").variants
    if options.pdf_variant and options.pdf_variant not in variants:
        raise RenderError(f"unknown PDF variant {options.pdf_variant!r}; use one of {', '.join(variants)}")
    # The identifier is a placeholder the build fills with the file's hash (compiler/fingerprint.py).
    return {"pdf_tags": True, "pdf_variant": options.pdf_variant, "pdf_identifier": PDF_PLACEHOLDER}


def write(document: RenderedDocument, target: Path, options: BuildOptions) -> WriteResult:
    """Lay out the document, check it fits its budget, and write it as PDF to `target`."""
    pdf_options = write_options(options)
    layout = lay_out(document.html, document.doctype.name)
    check_one_page_elements(document, layout, {slide.anchor: slide.label for slide in document.slides})
    warnings = check_page_budget(document, layout)
    layout.write_pdf(target, **pdf_options)
    return WriteResult(warnings=check_subsetter() + warnings)
