"""Loading, validating and quote-checking brief files."""

from compiler.content.model import Brief

__all__ = ["Brief", "check_brief", "load_brief"]


def __getattr__(name: str) -> object:
    # The loader brings in YAML and JSON Schema (~80 ms); loading it on first use keeps a build
    # with nothing to do fast, since that build never reads a brief.
    if name in ("check_brief", "load_brief"):
        from compiler.content import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
