"""HTML writer: each document as one self-contained web page, for reading on screen and the live preview.

The page is the rendered document's HTML with everything it loads put inside it: its stylesheets (with
their @imports) as <style> elements, its fonts as data: URIs of WOFF subsets holding the characters
the page uses. Every file is read through the layout engine's sandbox (templates/ and the declared
fonts only), a Content-Security-Policy keeps the browser from fetching anything, and a last check
refuses a page that would load something. On screen, templates/screen.css shows the memo as an
article, the factsheet as a page-like card and the deck one 16:9 slide per screen; printed, the page
keeps the paged stylesheets.
"""

from __future__ import annotations

import base64
import html
import io
import mimetypes
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from compiler.layout import SandboxFetcher  # first: it loads WeasyPrint's libraries by their exact names

from compiler.diagnostics import RenderError  # noqa: E402
from compiler.document import BuildOptions, Page, RenderedDocument  # noqa: E402
from compiler.fonts import FALLBACKS, iter_text_fields  # noqa: E402
from compiler.locations import TEMPLATES_DIR  # noqa: E402
from compiler.writers import WriteResult  # noqa: E402

if TYPE_CHECKING:
    from compiler.content.model import Brief

SCREEN_STYLESHEET = "screen.css"
# The browser may load nothing but the page's own inline styles and data: fonts and images; links
# still navigate (CSP does not govern following a link).
CONTENT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; "
                  "base-uri 'none'; form-action 'none'")
PAGE_HEAD = (f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_POLICY}">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">')
# Characters every text face keeps whatever the page holds (ASCII, Latin-1, general punctuation), so
# that a brief's three pages share their font subsets, and the cache of them holds while it is edited.
KEPT_CHARACTERS = frozenset([*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2010, 0x2028), 0x202F,
                             *range(0x2030, 0x205F)])
CONTROL_CHARACTERS = frozenset([*range(0x20), *range(0x7F, 0xA0)])  # line breaks and tabs: no glyph
FALLBACK_FAMILIES = frozenset(re.findall(r'"([^"]+)"', FALLBACKS))

# The templates write these tags, and only they can: brief text reaches the HTML autoescaped, so a
# "<" in it is "&lt;" and no <link> or <style> can come from content.
HEAD = re.compile(r"<head\b[^>]*>")
STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
STYLE_ELEMENT = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']([^"']+)["']\s*\)?\s*;""")
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
FONT_FAMILY = re.compile(r"""font-family:\s*["']([^"']+)["']""")


def write(document: RenderedDocument, target: Path, options: BuildOptions) -> WriteResult:
    """Write the document as a self-contained HTML page to `target`."""
    target.write_bytes(render_page(document).encode("utf-8"))
    return WriteResult()


def render_page(document: RenderedDocument) -> str:
    """The document's HTML with its styles and fonts inside it, and the screen stylesheet added."""
    page, heads = HEAD.subn(lambda head: f"{head[0]}\n{PAGE_HEAD}", document.html, count=1)
    if not heads:
        raise RenderError(f"{document.doctype.name}: the template writes no <head> for the page's policy")
    page = STYLESHEET_LINK.sub(lambda link: style_element(read_stylesheet(template_url(link[1]))), page)
    screen = f"{page_variables(document.page)}\n{read_stylesheet(template_url(SCREEN_STYLESHEET))}"
    page = page.replace("</head>", f'<style media="screen">\n{screen}</style>\n</head>', 1)
    used = page_characters(page) | brief_characters(document.brief)
    fonts = embed_fonts([style[2] for style in STYLE_ELEMENT.finditer(page)], used)
    page = STYLE_ELEMENT.sub(lambda style: style[1] + inline_urls(
        FONT_FACE.sub(lambda rule: fonts[rule[0]], style[2])) + style[3], page)
    check_self_contained(page, document.doctype.name)
    return page


def template_url(name: str) -> str:
    """The URL of a file under templates/ (a relative name, as a template writes it)."""
    return urljoin(TEMPLATES_DIR.as_uri() + "/", name)


def fetch(url: str) -> bytes:
    """A file's bytes, read through the sandbox (ResourceRefused outside templates/ and the fonts)."""
    return SandboxFetcher().fetch(url).read()


def style_element(css: str) -> str:
    return f"<style>\n{css}</style>"


def read_stylesheet(url: str, importing: tuple[str, ...] = ()) -> str:
    """A stylesheet's text with each @import replaced by the stylesheet it names."""
    if url in importing:
        raise RenderError(f"{url}: imports itself (through {' -> '.join(importing)}); remove the loop")
    css = fetch(url).decode("utf-8")
    return CSS_IMPORT.sub(lambda rule: read_stylesheet(urljoin(url, rule[1]), (*importing, url)), css)


def page_variables(page: Page) -> str:
    """The page's size as CSS variables, for the screen stylesheet's cards and slide frames."""
    return f":root {{ --page-width: {page.width_mm:g}mm; --page-height: {page.height_mm:g}mm; }}"


def inline_urls(css: str) -> str:
    """CSS with every file it names (an image under templates/) inlined as a data: URI."""
    def inline(match: re.Match[str]) -> str:
        url = match[2].strip()
        if url.startswith("data:"):
            return match[0]
        resolved = template_url(url)
        kind = mimetypes.guess_type(resolved)[0] or "application/octet-stream"
        return f'url("{data_uri(kind, fetch(resolved))}")'

    return CSS_URL.sub(inline, css)


def data_uri(kind: str, data: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


# Fonts ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FontRule:
    """One @font-face rule of the page: its text, family and font file."""

    text: str
    family: str
    url: str

    @property
    def is_fallback(self) -> bool:
        """A fallback family (math, symbols, CJK) comes after the text families in every stack."""
        return self.family in FALLBACK_FAMILIES


def embed_fonts(styles: list[str], used: frozenset[int]) -> dict[str, str]:
    """Each @font-face rule of the page's styles, mapped to the rule with its font as a data: URI of the
    subset the page needs (empty: a fallback face the page needs no character from, the 4 MB CJK face
    for one, is left out)."""
    rules = [parse_font_rule(match[0]) for css in styles for match in FONT_FACE.finditer(css)]
    text_faces = frozenset().union(*(font_characters(fetch(rule.url)) for rule in rules
                                     if not rule.is_fallback))
    replacements = {}
    for rule in rules:
        wanted = used - text_faces if rule.is_fallback else used | KEPT_CHARACTERS
        replacements[rule.text] = embed_font(rule, wanted) if wanted else ""
    return replacements


def parse_font_rule(text: str) -> FontRule:
    family = FONT_FAMILY.search(text)
    url = CSS_URL.search(text)
    if family is None or url is None:
        raise RenderError(f"an @font-face rule without a family or file: {text}")
    return FontRule(text, family[1], url[2])


def embed_font(rule: FontRule, wanted: frozenset[int]) -> str:
    """The rule with its font file replaced by a subset holding the wanted characters it has
    (nothing when it has none of them)."""
    data = fetch(rule.url)
    characters = wanted & font_characters(data)
    if not characters:
        return ""
    uri = data_uri("font/woff", subset_font(data, characters))
    return rule.text.replace(rule.url, uri)


def page_characters(page: str) -> frozenset[int]:
    """Every character the page may draw (text, attribute values, the stylesheets' generated content)."""
    return with_cases(html.unescape(page))


def brief_characters(brief: Brief) -> frozenset[int]:
    """Every character of the brief's text, so that its three pages ask for the same font subsets."""
    return with_cases("".join(text for _, text in iter_text_fields(brief.data)))


def with_cases(text: str) -> frozenset[int]:
    """The text's characters in either case (text-transform), less those drawn with no glyph."""
    return frozenset(ord(char) for char in text + text.upper() + text.lower()) - CONTROL_CHARACTERS


@lru_cache(maxsize=24)  # every declared face
def font_characters(data: bytes) -> frozenset[int]:
    """The code points a font maps to a glyph."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap())


@lru_cache(maxsize=32)  # each holds its font file's bytes: a few briefs' worth
def subset_font(data: bytes, characters: frozenset[int]) -> bytes:
    """A WOFF font of the glyphs for `characters`, every OpenType feature kept (tabular and lining
    figures, kerning, ligatures); the same input gives the same bytes. (WOFF2 is a fifth smaller and
    takes twice as long to write.)"""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(layout_features=["*"], hinting=False, flavor="woff")
    font = TTFont(io.BytesIO(data), lazy=True, recalcTimestamp=False)  # else "modified" is now
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(characters))
    subsetter.subset(font)
    output = io.BytesIO()
    subset.save_font(font, output, options)
    return output.getvalue()


# The last check ------------------------------------------------------------------------------------

LOADING_ATTRIBUTES = frozenset({"src", "srcset", "data", "poster", "background", "action", "formaction",
                                "ping", "xlink:href", "manifest", "codebase"})
LINK_SCHEMES = ("http:", "https:", "mailto:", "#")


class ReferenceFinder(HTMLParser):
    """Everything in a page that would load, run or leave it, other than a link to follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_style = tag == "style"
        if tag in ("script", "link", "base", "iframe", "frame", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            elif name in LOADING_ATTRIBUTES and not value.startswith("data:"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "href" and (tag != "a" or not value.lower().startswith(LINK_SCHEMES)):
                self.found.append(f"<{tag} href={value!r}>")
            elif name == "http-equiv" and value.lower() == "refresh":
                self.found.append(f"<{tag} http-equiv=refresh>")
            elif name == "style" and "url(" in value:
                self.found.append(f"<{tag} style={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            return
        if "@import" in data:
            self.found.append("@import in a stylesheet")
        self.found += [f"url({url[:60]})" for _, url in CSS_URL.findall(data) if not url.startswith("data:")]


def check_self_contained(page: str, label: str) -> None:
    """RenderError if the page would load, run or redirect to anything outside itself."""
    finder = ReferenceFinder()
    finder.feed(page)
    finder.close()
    if finder.found:
        raise RenderError(f"{label}: the HTML page would load {', '.join(finder.found[:3])}; a template "
                          "may use only stylesheets, fonts and images under templates/, which the HTML "
                          "writer puts inside the page")
