"""Loading, validating and quote-checking brief files."""

from compiler.content.loader import check_brief, load_brief
from compiler.content.model import Brief

__all__ = ["Brief", "check_brief", "load_brief"]
