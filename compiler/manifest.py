"""What each output was built from: one manifest per output folder, recording content hashes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from compiler import __version__
from compiler.locations import LOCK_FILE, PACKAGE_DIR, TEMPLATES_DIR
from compiler.outputs import hash_bytes, hash_file, write_atomic
from compiler.writers import format_named

MANIFEST_NAME = ".manifest.json"
MANIFEST_FORMAT = 1

# Why an output is out of date, by the dependency that changed (Sphinx-style log lines); a file a format
# declares (e.g. reference_docx) is explained by its name: "reference docx changed".
CHANGE_REASONS = {
    "brief": "brief changed",
    "source": "source text changed",
    "templates": "templates changed",
    "fonts": "fonts changed",
    "options": "options changed",
    "compiler": "compiler changed",
}


@dataclass
class OutputRecord:
    """One output as last written: the hash of each dependency, and of the file itself."""

    depends: dict[str, str]
    sha256: str
    size: int
    mtime_ns: int
    replaced: str | None = None  # hash of the file this one replaced, until the move is known done

    def matches_stat(self, path: Path) -> bool:
        """Whether the file still has the size and time it had when written (then it is unchanged)."""
        stat = path.stat()
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass
class Manifest:
    """One output folder's record: the brief, its source text, each output, and font hashes."""

    brief: str | None = None
    source: str | None = None
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    fonts: dict[str, list] = field(default_factory=dict)  # path -> [size, mtime_ns, sha256]


def record_output(path: Path, depends: dict[str, str], sha256: str) -> OutputRecord:
    """The record of a file just written."""
    stat = path.stat()
    return OutputRecord(depends, sha256, stat.st_size, stat.st_mtime_ns)


def read_manifest(folder: Path) -> Manifest:
    """The folder's manifest; an empty one when it is missing or unreadable (then all is rebuilt)."""
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        if data.get("format") != MANIFEST_FORMAT:
            return Manifest()
        outputs = {name: OutputRecord(**record) for name, record in data["outputs"].items()}
        return Manifest(data.get("brief"), data.get("source"), outputs, data.get("fonts", {}))
    except (OSError, ValueError, KeyError, TypeError):
        return Manifest()


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Replace the folder's manifest atomically (the caller holds the folder lock)."""
    data = {"format": MANIFEST_FORMAT, **asdict(manifest)}
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    write_atomic(folder / MANIFEST_NAME, text.encode("utf-8"))


def hash_input(path: Path) -> str:
    """Content hash of an input file ("missing" when absent, so that its arrival counts as a change)."""
    try:
        return hash_file(path)
    except FileNotFoundError:
        return "missing"


def hash_tree(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """One hash over every file under a folder: relative names and contents."""
    digests = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and (
                suffixes is None or path.suffix in suffixes):
            digests.append(f"{path.relative_to(root).as_posix()}\0{hash_file(path)}")
    return hash_bytes("\n".join(digests).encode())


@lru_cache(maxsize=1)
def hash_compiler() -> str:
    """The compiler's version, its own source files and the pinned library versions (WeasyPrint...)."""
    return hash_bytes("\n".join([__version__, hash_tree(PACKAGE_DIR, (".py", ".json")),
                                  hash_input(LOCK_FILE)]).encode())


def hash_templates() -> str:
    """Every file under templates/ (templates, stylesheets, reference.docx, images)."""
    return hash_tree(TEMPLATES_DIR)


def hash_fonts(font_files: list[Path], cache: dict[str, list]) -> str:
    """One hash over the declared font files, reusing `cache` entries whose size and time still match.

    Fonts are megabytes, so their content is hashed only when their (size, mtime) changes; the
    refreshed entries are written back into `cache`.
    """
    digests = []
    for path in sorted(font_files):
        key = str(path)
        try:
            stat = path.stat()
        except FileNotFoundError:
            digests.append(f"{key}\0missing")
            continue
        cached = cache.get(key)
        if not cached or cached[:2] != [stat.st_size, stat.st_mtime_ns]:
            cache[key] = cached = [stat.st_size, stat.st_mtime_ns, hash_file(path)]
        digests.append(f"{key}\0{cached[2]}")
    return hash_bytes("\n".join(digests).encode())


def hash_options(options: object, keep: tuple[str, ...]) -> str:
    """The build options that shape an output (those named in `keep`), as a stable hash."""
    values = {key: None if value is None else str(value)
              for key, value in asdict(options).items() if key in keep}
    return hash_bytes(json.dumps(values, sort_keys=True).encode())


def change_reasons(recorded: dict[str, str], depends: dict[str, str]) -> list[str]:
    """Why an output whose dependencies were `recorded` differs from one made from `depends`."""
    declared = sorted((set(recorded) | set(depends)) - set(CHANGE_REASONS))
    reasons = list(CHANGE_REASONS.items())
    after = [key for key, _ in reasons].index("templates") + 1  # a format's files sit beside the templates
    reasons[after:after] = [(key, f"{key.replace('_', ' ')} changed") for key in declared]
    return [reason for key, reason in reasons if recorded.get(key) != depends.get(key)]


class Dependencies:
    """The hash of everything an output is made from; shared inputs are hashed once per build."""

    def __init__(self, options: object) -> None:
        self.options = options
        self.font_cache: dict[str, list] = {}  # saved in each manifest, so fonts are rarely re-read
        self._fonts: str | None = None
        self._templates: str | None = None
        self._files: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            self._files[path] = hash_input(path)
        return self._files[path]

    def templates(self) -> str:
        if self._templates is None:
            self._templates = hash_templates()
        return self._templates

    def fonts(self, manifest: Manifest) -> str:
        if self._fonts is None:
            from compiler.fonts import font_files

            self.font_cache.update(manifest.fonts)
            self._fonts = hash_fonts(list(font_files()), self.font_cache)
        return self._fonts

    def of_output(self, brief: Path, source: Path | None, manifest: Manifest,
                  format_name: str) -> dict[str, str]:
        """Hash of each input of one output, by the names `change_reasons` explains.

        Only the options and files the output's format declares count: choosing a reference Word file
        leaves the PDFs as they are.
        """
        declaration = format_named(format_name)
        depends = {
            "brief": self.file(brief),
            "source": self.file(source) if source else "none",
            "templates": self.templates(),
            "fonts": self.fonts(manifest),
            "options": hash_options(self.options, declaration.changing_options),
            "compiler": hash_compiler(),
        }
        for option in declaration.files:
            path = getattr(self.options, option, None)
            if path:
                depends[option] = self.file(path)
        return depends
