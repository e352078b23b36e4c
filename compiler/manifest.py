"""What each output was built from: one manifest per output folder, recording content hashes."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from compiler import __version__
from compiler.locations import LOCK_FILE, PACKAGE_DIR, TEMPLATES_DIR
from compiler.outputs import hash_bytes, hash_file, read_bounded, write_atomic
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


MAX_MANIFEST_BYTES = 2**20
"""Largest manifest read (a real one is a few KB)."""
SHA256_HEX = re.compile("[0-9a-f]{64}")


@dataclass
class OutputRecord:
    """One output as last written: the hash of each dependency, and of the file itself."""

    depends: dict[str, str]
    sha256: str
    replaced: str | None = None  # hash of the file this one replaced, until the move is known done


@dataclass
class Manifest:
    """One output folder's record: the brief, its source text, each output, and font hashes.

    `offered` holds the copies written beside edited files (memo.new.docx, by the name of the file
    it stands for), so that one moved into place by hand is known as the compiler's own.
    """

    brief: str | None = None
    source: str | None = None
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    offered: dict[str, OutputRecord] = field(default_factory=dict)
    fonts: dict[str, list] = field(default_factory=dict)  # path -> [size, mtime_ns, sha256]
    warning: str | None = field(default=None, compare=False)  # why a manifest on disk was not used


def record_output(depends: dict[str, str], sha256: str) -> OutputRecord:
    """The record of a file just written."""
    return OutputRecord(dict(depends), sha256)


def read_manifest(folder: Path) -> Manifest:
    """The folder's manifest; an empty one when it is missing, and one with a `warning` when it is
    unreadable or not of the shape this compiler writes (then all is rebuilt, and the edited-file
    guard relies on what each output proves about itself)."""
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(read_bounded(path, MAX_MANIFEST_BYTES, follow_links=False).decode("utf-8"))
        return parse_manifest(data)
    except FileNotFoundError:
        return Manifest()
    except OSError as error:
        reason = error.strerror or str(error)
    except RecursionError:
        reason = "nested too deeply"
    except ValueError as error:  # not JSON, not UTF-8, or the wrong shape
        reason = str(error).split(":")[0] if isinstance(error, json.JSONDecodeError) else str(error)
    return Manifest(warning=f"not a build record this compiler can read ({reason}); treating it as absent")


def parse_manifest(data: object) -> Manifest:
    """A manifest from its JSON; ValueError saying what is wrong when it has another shape."""
    if not isinstance(data, dict):
        raise ValueError(f"a JSON {type(data).__name__}, not an object")
    if data.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"format {str(data.get('format'))[:20]!r}, not {MANIFEST_FORMAT}")
    return Manifest(optional_text(data, "brief"), optional_text(data, "source"),
                    parse_records(data.get("outputs", {}), "outputs"),
                    parse_records(data.get("offered", {}), "offered"), parse_fonts(data.get("fonts", {})))


def optional_text(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} is not text")
    return value


def parse_records(value: object, key: str) -> dict[str, OutputRecord]:
    if not isinstance(value, dict):
        raise ValueError(f"{key} is not an object")
    return {str(name): parse_record(record, f"{key}.{name}") for name, record in value.items()}


def parse_record(value: object, key: str) -> OutputRecord:
    """One output's record (older manifests also hold its size and time: ignored, content decides)."""
    if not isinstance(value, dict):
        raise ValueError(f"{key} is not an object")
    depends, sha256, replaced = value.get("depends"), value.get("sha256"), value.get("replaced")
    if not (isinstance(depends, dict) and all(isinstance(item, str) for item in (*depends, *depends.values()))):
        raise ValueError(f"{key}.depends is not a map of hashes")
    if not is_sha256(sha256) or not (replaced is None or is_sha256(replaced)):
        raise ValueError(f"{key} has no proper SHA-256")
    return OutputRecord(depends, sha256, replaced)


def parse_fonts(value: object) -> dict[str, list]:
    if not isinstance(value, dict) or not all(
            isinstance(entry, list) and len(entry) == 3 and all(type(item) is int for item in entry[:2])
            and is_sha256(entry[2]) for entry in value.values()):
        raise ValueError("fonts is not a map of [size, time, hash]")
    return value


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and SHA256_HEX.fullmatch(value) is not None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Replace the folder's manifest atomically (the caller holds the folder lock)."""
    data = {"format": MANIFEST_FORMAT, **asdict(manifest)}
    del data["warning"]
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    write_atomic(folder / MANIFEST_NAME, text.encode("utf-8"))


def hash_input(path: Path) -> str:
    """Content hash of an input file ("missing" when absent, so that its arrival counts as a change)."""
    try:
        return hash_file(path)
    except FileNotFoundError:
        return "missing"
    except OSError as error:  # a pipe, a device, unreadable: never opened for reading; the check says why
        return f"unreadable: {error.strerror or error}"


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
        self._options: dict[tuple[str, ...], str] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            self._files[path] = hash_input(path)
        return self._files[path]

    def options_for(self, keep: tuple[str, ...]) -> str:
        if keep not in self._options:
            self._options[keep] = hash_options(self.options, keep)
        return self._options[keep]

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
            "options": self.options_for(declaration.changing_options),
            "compiler": hash_compiler(),
        }
        for option in declaration.files:
            path = getattr(self.options, option, None)
            if path:
                depends[option] = self.file(path)
        return depends
