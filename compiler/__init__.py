"""Briefing compiler: brief file (YAML) in; memo, slides and factsheet out, as PDF and Word."""

__version__ = "0.1.0"
