"""Edit a Word handout as a colleague would, with python-docx: words, new items, deleted ones."""

from __future__ import annotations

import copy

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from compiler.markers import encode


def marked_paragraph(document, key: str) -> Paragraph:
    """The paragraph where the marker of `key` starts (found by its bookmark, as pull finds it)."""
    prefix = f"_B{encode(key)}_"
    for paragraph in document.element.body.iter(qn("w:p")):
        for start in paragraph.iter(qn("w:bookmarkStart")):
            if start.get(qn("w:name"), "").startswith(prefix):
                return Paragraph(paragraph, document.part)
    raise AssertionError(f"no marker for {key}")


def replace_words(paragraph: Paragraph, old: str, new: str) -> None:
    """Retype `old` as `new` inside the one run that holds it."""
    for run in paragraph.runs:
        if old in run.text:
            run.text = run.text.replace(old, new, 1)
            return
    raise AssertionError(f"{old!r} is not in one run of {paragraph.text!r}")


def add_paragraph_after(paragraph: Paragraph, text: str) -> Paragraph:
    """A new paragraph in the same style (and list) after `paragraph`, as pressing Enter at its end."""
    new = copy.deepcopy(paragraph._p)
    for child in list(new):
        if child.tag != qn("w:pPr"):
            new.remove(child)
    paragraph._p.addnext(new)
    added = Paragraph(new, paragraph._parent)
    added.add_run(text)
    return added


def delete_paragraph(paragraph: Paragraph) -> None:
    paragraph._p.getparent().remove(paragraph._p)
