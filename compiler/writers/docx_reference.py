"""A user's reference Word file, taken in safely: only what styles need, into a package of our own.

A reference may come from anyone, like a brief. Word opens what a package points at: a template on a
server (attachedTemplate), images and links on `file:` or `\\\\host\\share` addresses, macros, embedded
objects, imported HTML chunks. So nothing of the reference is copied whole: its styles, numbering,
theme and font declarations are parsed (bounded in size and time, no DTD, no entity expanded, nothing
fetched) and set into a copy of our own reference, whose document part fixes the page geometry and
whose settings and relationships are ours. Every other part and relationship is dropped; those that
could act, or that a user might miss, are named in one line (`Reference.notice`).
"""

from __future__ import annotations

import errno
import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from compiler.bounds import LimitExceeded, time_bound
from compiler.diagnostics import ExpectedError, shorten
from compiler.locations import TEMPLATES_DIR
from compiler.outputs import read_bounded

REFERENCE_DOCX = TEMPLATES_DIR / "reference.docx"

MAX_REFERENCE_BYTES = 64 * 2**20
"""Largest reference file read (a restyled Word file is tens of KB; images inside can make it MBs)."""
MAX_PART_BYTES = 8 * 2**20
"""Largest part taken from it, declared and as read (our styles.xml is 350 KB)."""
MAX_ENTRIES = 5000
"""Most files in its zip (Word writes about 15)."""
MAX_STYLES = 10_000
"""Most styles (Word's own latent and defined styles come to about 400)."""
READ_SECONDS = 20
"""Longest the reference may take to read and check (a real one takes a few hundredths)."""
NAMED_DROPS = 4
"""Dropped parts and links named in the notice; the rest are counted."""

OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
R_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PACKAGE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# What is taken, by relationship type, into the part of our package with the same role.
TAKEN = {"styles": "word/styles.xml", "numbering": "word/numbering.xml",
         "theme": "word/theme/theme1.xml", "fontTable": "word/fontTable.xml"}
TAKEN_NAMES = {"styles": "styles", "numbering": "numbering", "theme": "theme", "fontTable": "fonts"}
# Parts whose role our own package fills: dropped without a word (every Word file has some of them).
ORDINARY = ("officeDocument", "settings", "webSettings", "stylesWithEffects", "core-properties",
            "extended-properties", "custom-properties", "thumbnail", "footnotes", "endnotes", "customXml",
            "customXmlProps", "people", "commentsExtended", "commentsIds", "commentsExtensible")
# Inside a taken part, elements that point at other parts (embedded fonts, picture bullets): removed.
POINTERS = {"fontTable": ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic"),
            "numbering": ("numPicBullet", "lvlPicBulletId")}


class ReferenceRefused(ExpectedError):
    """The reference cannot be used; the message says why and what to do (the build prints it once)."""


@dataclass
class Reference:
    """A reference taken in: our package carrying its styles, and what was left out."""

    package: bytes
    taken: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)    # part names worth naming
    external: list[str] = field(default_factory=list)   # targets of external relationships

    @property
    def notice(self) -> str | None:
        """One line naming what was dropped that might act or be missed; None if nothing was."""
        if not self.dropped and not self.external:
            return None
        pieces = []
        if self.dropped:
            pieces.append(f"{count_of(len(self.dropped), 'part')} ({name_some(self.dropped)})")
        if self.external:
            pieces.append(f"{count_of(len(self.external), 'external link')} ({name_some(self.external)})")
        taken = ", ".join(name for name in TAKEN_NAMES.values() if name in self.taken)
        return (f"took only what styles need ({taken}) and dropped " + " and ".join(pieces)
                + "; Word files never carry them")


def count_of(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def name_some(names: list[str]) -> str:
    shown = ", ".join(shorten(name) for name in names[:NAMED_DROPS])
    return shown + (f" and {len(names) - NAMED_DROPS} more" if len(names) > NAMED_DROPS else "")


@lru_cache(maxsize=4)
def take_reference(path: Path) -> Reference:
    """The reference at `path`, taken in (once per process: a worker forked later finds it done)."""
    try:
        with time_bound(READ_SECONDS, f"took longer than {READ_SECONDS} s to read; save it again "
                        "from Word, or copy templates/reference.docx and restyle it"):
            return read_reference(path)
    except LimitExceeded as error:
        raise ReferenceRefused(str(error)) from None


def read_reference(path: Path) -> Reference:
    data = read_file(path)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ReferenceRefused(f"not a Word file (not a zip archive); save one from Word as .docx, "
                             "or copy templates/reference.docx and restyle it") from None
    with package:
        return Intake(path, package).run()


def read_file(path: Path) -> bytes:
    """The reference's bytes: a regular file, of bounded size (a pipe or device is never opened)."""
    try:
        return read_bounded(path, MAX_REFERENCE_BYTES)
    except FileNotFoundError:
        raise ReferenceRefused(f"not found; name an existing .docx file") from None
    except OSError as error:
        if error.errno == errno.EFBIG:
            raise ReferenceRefused(f"larger than {MAX_REFERENCE_BYTES // 2**20} MiB; a reference needs "
                                 "only styles: remove its pictures and text") from None
        raise ReferenceRefused(f"{error.strerror}; name a .docx file") from None


class Intake:
    """One reading of a reference package."""

    def __init__(self, path: Path, package: zipfile.ZipFile) -> None:
        self.path = path
        self.package = package
        entries = package.infolist()
        if len(entries) > MAX_ENTRIES:
            self.fail(f"holds {len(entries)} files, more than the {MAX_ENTRIES} a Word file could need")
        self.names = {entry.filename for entry in entries}

    def fail(self, message: str) -> None:
        raise ReferenceRefused(f"{message}; save it again from Word as .docx, or copy "
                             "templates/reference.docx and restyle it")

    def run(self) -> Reference:
        main = self.main_part()
        parts = self.relationships(main)
        reference = Reference(b"", external=self.external_targets())
        replacements: dict[str, bytes] = {}
        used = {main}
        for kind, name in parts:
            if kind in TAKEN and TAKEN[kind] not in replacements and name in self.names:
                content = self.take(name, kind)
                if content is None:
                    reference.dropped.append(f"{name} (it points at other parts)")
                else:
                    replacements[TAKEN[kind]] = content
                    reference.taken.append(TAKEN_NAMES[kind])
                used.add(name)
            elif kind in ORDINARY:
                used.add(name)
        if "word/styles.xml" not in replacements:
            self.fail("has no styles part, so it is not a Word document or template")
        reference.dropped += sorted(name for name in self.names - used if self.worth_naming(name))
        reference.package = assemble(replacements)
        return reference

    def worth_naming(self, name: str) -> bool:
        """Parts to name when dropped: not folders, relationships, content types or ordinary parts."""
        return not (name.endswith("/") or name.endswith(".rels") or name == "[Content_Types].xml"
                    or name.startswith(("docProps/", "customXml/")))

    def main_part(self) -> str:
        """The name of the package's main part (word/document.xml in a file Word saved)."""
        for kind, target in self.relationships(""):
            if kind == "officeDocument":
                return target
        self.fail("has no main document part")
        raise AssertionError

    def relationships(self, part: str) -> list[tuple[str, str]]:
        """(kind, part name) of each internal relationship of `part` ("" for the package)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        if rels not in self.names:
            return []
        found = []
        for relation in self.parse(rels).iter(PACKAGE_RELATIONSHIPS):
            kind = (relation.get("Type") or "").rsplit("/", 1)[-1]
            target = relation.get("Target") or ""
            if relation.get("TargetMode") != "External":
                found.append((kind, posixpath.normpath(posixpath.join("/" + folder, target)).lstrip("/")
                              if not target.startswith("/") else target.lstrip("/")))
        return found

    def external_targets(self) -> list[str]:
        """Every external relationship's target, in any part (each would be fetched on opening)."""
        targets = []
        for name in sorted(self.names):
            if name.endswith(".rels"):
                targets += [relation.get("Target") or "" for relation in self.parse(name).iter(
                    PACKAGE_RELATIONSHIPS) if relation.get("TargetMode") == "External"]
        return list(dict.fromkeys(targets))

    def read(self, name: str) -> bytes:
        """A part's bytes, refused past MAX_PART_BYTES as declared or as it inflates (a zip bomb)."""
        entry = self.package.getinfo(name)
        if entry.file_size > MAX_PART_BYTES:
            self.fail(f"its part {shorten(name)} would inflate to {entry.file_size / 2**20:.0f} MiB, more "
                      f"than the {MAX_PART_BYTES // 2**20} MiB a reference part may take")
        try:
            with self.package.open(entry) as stream:
                data = stream.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
            self.fail(f"its part {shorten(name)} cannot be read ({error})")
        if len(data) > MAX_PART_BYTES:
            self.fail(f"its part {shorten(name)} inflates past {MAX_PART_BYTES // 2**20} MiB")
        return data

    def parse(self, name: str) -> etree._Element:
        """A part parsed as XML: no DTD loaded, no entity expanded, nothing fetched; one with a DOCTYPE
        (which Word never writes: it is how entity attacks start) is refused."""
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                 dtd_validation=False)
        try:
            root = etree.fromstring(self.read(name), parser)
        except etree.XMLSyntaxError as error:
            self.fail(f"its part {shorten(name)} is not well-formed XML ({shorten(str(error))})")
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            self.fail(f"its part {shorten(name)} declares a DOCTYPE, which Word files never have (it can "
                      "define entities that fetch files or expand without bound)")
        return root

    def take(self, name: str, kind: str) -> bytes | None:
        """A taken part, cleaned of what points at other parts; None if something still does."""
        root = self.parse(name)
        for tag in POINTERS.get(kind, ()):
            for found in list(root.iter(f"{W}{tag}")):
                found.getparent().remove(found)
        if any(attribute.startswith(f"{{{R_NAMESPACE}}}") for element in root.iter() for attribute in element.attrib):
            return None
        if kind == "styles":
            self.check_styles(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def check_styles(self, root: etree._Element) -> None:
        """Refuse a style table Word itself could not resolve: too large, or a style based on itself."""
        styles = root.findall(f"{W}style")
        if len(styles) > MAX_STYLES:
            self.fail(f"defines {len(styles)} styles, more than {MAX_STYLES}")
        based_on = {}
        for style in styles:
            parent = style.find(f"{W}basedOn")
            if parent is not None:
                based_on[style.get(f"{W}styleId")] = parent.get(f"{W}val")
        for style_id in based_on:
            chain = [style_id]
            while (parent := based_on.get(chain[-1])) is not None:
                if parent in chain:
                    loop = " -> ".join(map(repr, chain[chain.index(parent):] + [parent]))
                    self.fail(f"its style {style_id!r} is based on itself ({shorten(loop, 120)}); set that "
                              "style's 'based on' to another style, or to none")
                chain.append(parent)


@lru_cache(maxsize=1)
def our_package() -> dict[str, bytes]:
    """Our own reference's parts, by name, in order: the frame every Word output starts from."""
    with zipfile.ZipFile(REFERENCE_DOCX) as package:
        return {entry.filename: package.read(entry) for entry in package.infolist()}


def assemble(replacements: dict[str, bytes]) -> bytes:
    """Our reference package with some of its parts replaced."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in our_package().items():
            package.writestr(name, replacements.get(name, content))
    return output.getvalue()
