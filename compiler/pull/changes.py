"""What a colleague changed in a handout, as edits to the brief's values, and what cannot be pulled."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from compiler.markers import TEXT_LISTS, describe_path, digest, normalise
from compiler.markup import plain_text, render_inline, split_paragraphs
from compiler.pull.handout import Block, Handout, Mark, Piece, shorten

ITEM = re.compile(r"(.*)\[(\d+)\]")


@dataclass(frozen=True)
class Edit:
    """One change to the brief: a value replaced, an item added to a list after `index`, or removed."""

    kind: str  # "change", "insert" or "remove"
    path: str  # the value's key path; for "insert", the list's
    value: str = ""
    index: int = -1  # for "insert": the item of the brief's list it goes before (its length: at the end)


@dataclass
class Proposal:
    edits: list[Edit] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (key path, why it is not pulled)

    def note(self, path: str, message: str) -> None:
        if (path, message) not in self.notes:
            self.notes.append((path, message))


def compare(handout: Handout, baseline: Handout, data: dict[str, Any]) -> Proposal:
    """The edits that turn the brief's values into the handout's, against a fresh build of the brief."""
    proposal = Proposal()
    unchanged_brief = baseline.content_digest == handout.content_digest
    if unchanged_brief:
        adopt_unmarked(handout, baseline)
    for key in handout.marks:
        compare_value(handout, baseline, data, key, proposal, unchanged_brief)
    find_removals(handout, data, proposal, unchanged_brief)
    find_new_paragraphs(handout, baseline, proposal, unchanged_brief)
    for key, message in handout.unpullable:
        proposal.note(key, message)
    return proposal


def adopt_unmarked(handout: Handout, baseline: Handout) -> None:
    """Give a lost marker back to its paragraph: Word drops a bookmark whose text is retyped whole,
    leaving a paragraph in the marked one's place, between the same neighbours, in its style and
    with the same words around it (a claim's number and kind)."""
    for key in dict.fromkeys(handout.built_keys):
        base_mark = baseline.marks.get(key)
        if key is None or key in handout.marks or base_mark is None or len(base_mark.paragraphs) != 1:
            continue
        base = baseline.blocks[base_mark.paragraphs[0]]
        around = (neighbour_key(baseline, base.index, -1), neighbour_key(baseline, base.index, +1))
        before, after = edited_text(base.before), edited_text(base.after)
        found = [block for block in handout.blocks
                 if not block.inside and block.style == base.style
                 and (neighbour_key(handout, block.index, -1), neighbour_key(handout, block.index, +1)) == around
                 and handout.text(block).startswith(before) and handout.text(block).endswith(after)
                 and len(handout.text(block)) > len(before) + len(after)]
        if len(found) == 1:
            block = found[0]
            text = handout.text(block)
            block.before = cut(block.pieces, 0, len(before))
            block.after = cut(block.pieces, len(text) - len(after), len(text))
            inside = cut(block.pieces, len(before), len(text) - len(after))
            block.keys, block.inside = [key], [key]
            handout.marks[key] = Mark(key, base_mark.digest, inside, [block.index])


def compare_value(handout: Handout, baseline: Handout, data: dict[str, Any], key: str,
                  proposal: Proposal, unchanged_brief: bool) -> None:
    mark = handout.marks[key]
    current = value_at(data, key)
    if not isinstance(current, str):
        proposal.note(key, "no longer in the brief (it changed since the build); not pulled")
        return
    pieces = marked_text(handout, baseline, key, proposal, unchanged_brief)
    edited = to_markup(pieces)
    if same_text(edited, current):
        return
    if digest(current) != mark.digest:
        if digest(edited) != mark.digest:
            proposal.note(key, "changed in the handout and in the brief since the build; not pulled; "
                          f'the handout says "{shorten(plain_text(edited), 80)}"')
        return
    if not expressible(edited, pieces):
        proposal.note(key, "holds *, ** or [...](...) that the brief's light markup would read as "
                      f'formatting; not pulled: "{shorten(edited_text(pieces), 80)}"')
        return
    if not normalise(edited):
        if is_text_list_item(key):
            proposal.edits.append(Edit("remove", key))
        else:
            proposal.note(key, "emptied in the handout; not pulled (a brief needs it: delete it in the "
                          "brief if that is meant)")
        return
    proposal.edits.append(Edit("change", key, normalise(edited)))
    if len(mark.paragraphs) > 1:
        proposal.note(key, f"split into {len(mark.paragraphs)} paragraphs in the handout; pulled as one "
                      "text (a brief's field is one paragraph)")


def marked_text(handout: Handout, baseline: Handout, key: str, proposal: Proposal,
                unchanged_brief: bool) -> list[Piece]:
    """The key's text in the handout, with words typed just outside its marker taken in (a marker's
    end does not move when someone types at the end of a paragraph)."""
    mark = handout.marks[key]
    block = handout.blocks[mark.paragraphs[0]] if mark.paragraphs else None
    base_mark = baseline.marks.get(key)
    if block is None or base_mark is None or len(mark.paragraphs) > 1 or block.keys != [key]:
        return mark.pieces
    base_block = baseline.blocks[base_mark.paragraphs[0]]
    before, after = edited_text(block.before), edited_text(block.after)
    base_before, base_after = edited_text(base_block.before), edited_text(base_block.after)
    if before.startswith(base_before) and after.endswith(base_after):
        return (cut(block.before, len(base_before), len(before)) + mark.pieces
                + cut(block.after, 0, len(after) - len(base_after)))
    if unchanged_brief:
        proposal.note(key, f'the words around it changed ("{shorten(edited_text(block.pieces), 80)}"); '
                      "only the marked part is pulled")
    return mark.pieces


def cut(pieces: list[Piece], start: int, end: int) -> list[Piece]:
    """The pieces covering characters `start` to `end` of their text, the first and last cut to fit."""
    kept, offset = [], 0
    for piece in pieces:
        low, high = max(start - offset, 0), min(end - offset, len(piece.text))
        if low < high:
            kept.append(replace(piece, text=piece.text[low:high]))
        offset += len(piece.text)
    return kept


def find_removals(handout: Handout, data: dict[str, Any], proposal: Proposal, unchanged_brief: bool) -> None:
    """Markers the handout was built with that are gone: a list item or summary paragraph deleted."""
    gone = [key for key in dict.fromkeys(handout.built_keys) if key is not None and key not in handout.marks]
    for key in gone:
        owner = ITEM.fullmatch(key).group(1).rsplit(".", 1)[0] + ".text" if is_text_list_item(key) else None
        if not is_text_list_item(key):
            proposal.note(key, "deleted in the handout; not pulled (a brief needs it: delete it in the brief "
                          "if that is meant)")
        elif owner in gone:
            proposal.note(key, f"deleted with {owner}; not pulled")
        elif not unchanged_brief:
            proposal.note(key, "deleted in the handout, but the brief changed since the build; not pulled")
        elif isinstance(value_at(data, key), str):
            proposal.edits.append(Edit("remove", key))


def find_new_paragraphs(handout: Handout, baseline: Handout, proposal: Proposal, unchanged_brief: bool) -> None:
    """Paragraphs the build did not write: a new item in a list of texts, else listed as not pulled."""
    ours = Counter(normalise(baseline.text(block)) for block in baseline.blocks if not block.inside)
    for position, block in enumerate(handout.blocks):
        text = normalise(handout.text(block))
        if block.inside or not text:
            continue
        if ours[text] > 0:
            ours[text] -= 1
            continue
        previous = neighbour_key(handout, position, -1)
        following = neighbour_key(handout, position, +1)
        target = list_for_new(handout, block, previous, following)
        where = f"after {describe_path(previous)}" if previous else "at the start"
        if block.in_table is not None:
            proposal.note(previous or "", f'new text in a table ("{shorten(text)}"); not pulled: add it '
                          "to the brief yourself")
        elif target is None:
            kind = "heading" if block.heading else "paragraph"
            proposal.note(previous or "", f'new {kind} {where} ("{shorten(text)}"); not pulled: the brief '
                          f"has no place for it")
        elif not unchanged_brief:
            proposal.note(previous or "", f'new paragraph ("{shorten(text)}"), but the brief changed '
                          "since the build; not pulled")
        elif expressible(to_markup(block.pieces), block.pieces):
            list_path, index = target
            proposal.edits.append(Edit("insert", list_path, normalise(to_markup(block.pieces)), index))
        else:
            proposal.note(previous or "", f'new paragraph ("{shorten(text)}") holds *, ** or [...](...) '
                          "that the light markup would read as formatting; not pulled")


def list_for_new(handout: Handout, block: Block, previous: str | None,
                 following: str | None) -> tuple[str, int] | None:
    """(list path, position) a new paragraph joins, when it sits among a list's items in their style."""
    for key, offset in ((previous, 1), (following, 0)):
        found = ITEM.fullmatch(key or "")
        if not found or not (is_text_list_item(key) or found.group(1) == "summary"):
            continue
        mark = handout.marks.get(key)
        neighbour = handout.blocks[mark.paragraphs[0]] if mark and mark.paragraphs else None
        if neighbour is not None and neighbour.style == block.style and not block.heading:
            return found.group(1), int(found.group(2)) + offset
    return None


def neighbour_key(handout: Handout, position: int, step: int) -> str | None:
    """The key of the nearest marked paragraph before (step -1) or after (+1) a position."""
    position += step
    while 0 <= position < len(handout.blocks):
        block = handout.blocks[position]
        if block.inside:
            return block.inside[-1] if step < 0 else block.inside[0]
        position += step
    return None


def is_text_list_item(key: str) -> bool:
    found = ITEM.fullmatch(key)
    if not found:
        return False
    pattern = re.sub(r"\[\d+\]", "[]", found.group(1))
    return pattern in TEXT_LISTS or found.group(1) == "summary"


def value_at(data: Any, key: str) -> Any:
    """The value at a key path (`summary[1]`: the summary's second paragraph), None if there is none."""
    value = data
    for name, index in re.findall(r"([a-z_]+)|\[(\d+)\]", key):
        if name:
            value = value.get(name) if isinstance(value, dict) else None
        elif isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        elif isinstance(value, str):  # a paragraph of a multi-paragraph text
            paragraphs = split_paragraphs(value)
            value = paragraphs[int(index)] if int(index) < len(paragraphs) else None
        else:
            return None
    return value


def same_text(edited: str, current: str) -> bool:
    """Whether two texts print the same: same words, same emphasis and links."""
    return render_inline(normalise(edited)) == render_inline(normalise(current))


def expressible(markup: str, pieces: list[Piece]) -> bool:
    """Whether the light markup written for `pieces` reads back as their words (a literal * may not)."""
    return normalise(plain_text(markup)) == normalise(edited_text(pieces))


def edited_text(pieces: list[Piece]) -> str:
    return "".join(piece.text for piece in pieces)


def to_markup(pieces: list[Piece]) -> str:
    """Pieces of text as the brief's light markup: **strong**, *emphasis*, [label](url)."""
    merged: list[Piece] = []
    for piece in pieces:
        text = piece.text.replace("\n", " ").replace("\t", " ")
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (piece.bold, piece.italic, piece.href):
            merged[-1] = Piece(merged[-1].text + text, piece.bold, piece.italic, piece.href)
        else:
            merged.append(Piece(text, piece.bold, piece.italic, piece.href))
    return "".join(markup_of(piece) for piece in merged)


def markup_of(piece: Piece) -> str:
    """One piece as markup; the delimiters go inside its white space, where Markdown reads them."""
    core = piece.text.strip()
    if not core:
        return piece.text
    lead = piece.text[: len(piece.text) - len(piece.text.lstrip())]
    trail = piece.text[len(piece.text.rstrip()):]
    marks = ("**" if piece.bold else "") + ("*" if piece.italic else "")
    core = f"{marks}{core}{marks[::-1]}"
    if piece.href:
        core = f"[{core}]({piece.href})"
    return lead + core + trail
