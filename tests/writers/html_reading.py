"""Reading a written HTML page as a browser would: its text, its links, and what it would load or run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

NOT_TEXT = {"head", "style", "script", "title"}
CSS_REFERENCE = re.compile(r"""url\(\s*["']?([^"')]*)|@import\s+["']?([^"';\s]*)""")
LINK_SCHEMES = ("http:", "https:", "mailto:")


@dataclass
class Page:
    """What a page holds: text (outside the head), its title, elements with their attributes, its CSS."""

    text: str
    title: str
    elements: list[tuple[str, dict[str, str]]]
    css: str

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attributes for tag, attributes in self.elements if tag == name]

    @property
    def links(self) -> list[str]:
        return [attributes["href"] for attributes in self.tags("a") if "href" in attributes]

    @property
    def css_references(self) -> list[str]:
        """Every url(...) and @import of the page's stylesheets."""
        return [url or imported for url, imported in CSS_REFERENCE.findall(self.css)]


class PageReader(HTMLParser):
    """Collects a page's text, elements and CSS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.css: list[str] = []
        self.title: list[str] = []
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag not in ("meta", "link", "br", "img", "input", "hr"):
            self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open_tags:
            del self.open_tags[len(self.open_tags) - 1 - self.open_tags[::-1].index(tag):]
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.open_tags and self.open_tags[-1] == "style":
            self.css.append(data)
        elif self.open_tags and self.open_tags[-1] == "title":
            self.title.append(data)
        elif not NOT_TEXT & set(self.open_tags):
            self.parts.append(data)


def read_page(path: Path) -> Page:
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return Page("".join(reader.parts), "".join(reader.title), reader.elements, "\n".join(reader.css))


def active_or_outside(page: Page) -> list[str]:
    """Scripts, event handlers, and every reference that would load something not inside the page."""
    found = [f"<{tag}>" for tag, _ in page.elements if tag in ("script", "link", "base", "iframe",
                                                                 "object", "embed", "img")]
    for tag, attributes in page.elements:
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            elif name in ("src", "srcset", "data", "poster", "action", "formaction", "ping") \
                    and not value.startswith("data:"):
                found.append(f"<{tag} {name}={value}>")
            elif name == "href" and not (tag == "a" and value.lower().startswith(LINK_SCHEMES)):
                found.append(f"<{tag} href={value}>")
            elif name == "style" and "url(" in value:
                found.append(f"<{tag} style={value}>")
    found += [f"css {reference}" for reference in page.css_references if not reference.startswith("data:")]
    return found
