"""Where the compiler's own files are: the package, the templates folder, the lock file (located once)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR.parent / "templates"
LOCK_FILE = PACKAGE_DIR.parent / "requirements.lock"
