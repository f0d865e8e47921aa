"""Web pages: main text and metadata through trafilatura, and the metadata helpers readers share.

A page nested deeper than lxml builds trees (libxml2 cuts everything below
:data:`MAX_TREE_DEPTH` elements) would lose its text: its text comes from a plain
extraction instead (:func:`plain_text`, every text node outside scripts and styles, with
line breaks at block elements), and its metadata still from trafilatura.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date
from html.parser import HTMLParser

from corroborator.errors import InputError
from corroborator.model import Document

logger = logging.getLogger(__name__)

MIN_HTML_WORDS = 5
#: libxml2 (lxml's HTML parser) keeps no element below this depth: deeper text is lost.
MAX_TREE_DEPTH = 255
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")
#: Elements with no end tag, or whose end tag may be left out: they do not nest.
_FLAT = frozenset("area base br col embed hr img input link meta param source track wbr "
                  "p li dt dd tr td th option optgroup thead tbody tfoot colgroup rb rt rp".split())
#: Elements whose content is no text of the page.
_HIDDEN = frozenset("script style noscript template head svg math iframe object".split())
#: Elements that break a line.
_BLOCKS = frozenset("address article aside blockquote br dd details div dl dt figcaption figure footer form "
                    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul title".split())


def sha256(raw: bytes) -> str:
    """Hex sha256 of bytes: the id of a document read from them."""
    return hashlib.sha256(raw).hexdigest()


def html_document(path: str, raw: bytes, html: str) -> Document:
    """Main text and metadata of a web page, through trafilatura.

    ``raw`` are the bytes the page was read from (its id is their sha256), ``html`` their text.

    Raises:
        InputError: The markup is too broken to parse, or the page has no main text.
    """
    import trafilatura

    from trafilatura.settings import set_date_params

    deep = tree_depth(html) > MAX_TREE_DEPTH
    try:
        # No extensive date search: it turns a bare "/2017/" in a link into "2017-01-01".
        # A date from the page's markup or none: better none than a wrong one.
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                             date_extraction_params=set_date_params(extensive=False))
    except RecursionError:
        result, deep = None, True
    except (ValueError, TypeError, AttributeError) as exc:  # lxml raises these on broken markup
        if not deep:
            raise InputError(path, f"malformed HTML ({exc})") from exc
        result = None
    meta = result.as_dict() if result is not None else {}
    text = (meta.get("text") or "").strip()
    if deep:
        # lxml lost the elements below its depth limit, and their text with them.
        logger.info("%s: HTML nested over %d deep; its text comes from a plain extraction", path, MAX_TREE_DEPTH)
        text, title = _plain(html)
        meta["title"] = meta.get("title") or title
    if len(text.split()) < MIN_HTML_WORDS:
        # trafilatura falls back to menus and buttons when a page has no article.
        raise InputError(path, f"HTML page with no main text (found {len(text.split())} word(s))")
    digest = sha256(raw)
    return Document(
        id=digest,
        path=path,
        sha256=digest,
        media_type="text/html",
        text=text,
        title=meta.get("title") or None,
        author=meta.get("author") or None,
        outlet=meta.get("sitename") or None,
        published=iso_date(meta.get("date")),
        url=meta.get("url") or None,
    )


def tree_depth(html: str) -> int:
    """How deep the page's elements nest, counted from its tags (elements that do not nest aside)."""
    if html.count("<") <= MAX_TREE_DEPTH:
        return 0  # too few tags to nest that deep: not worth a scan
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _FLAT:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


class _TextParser(HTMLParser):
    """Collects a page's text nodes, outside hidden elements, with line breaks at blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.title: list[str] | None = None  # the <title>'s text while it is read
        self.titles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.titles:
            self.title = []
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "body":
            self.hidden = 0  # a head left open ends where the body starts
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.title is not None:
            self.titles.append(" ".join("".join(self.title).split()))
            self.title = None
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.title is not None:
            self.title.append(data)
        if not self.hidden:
            self.parts.append(data)


def plain_text(html: str) -> str:
    """The text of a page without its markup: paragraphs on lines of their own, spaces collapsed.

    Scripts, styles and the head are left out. Streams through the markup (no tree is
    built), so any nesting depth reads.
    """
    return _plain(html)[0]


def _plain(html: str) -> tuple[str, str | None]:
    """The page's plain text (:func:`plain_text`) and the text of its ``<title>``, if any."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line), next((t for t in parser.titles if t), None)


def str_or_none(value: object) -> str | None:
    """A stripped non-empty string, else None."""
    return value.strip() or None if isinstance(value, str) else None


def iso_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD, YYYY-MM or YYYY) from a metadata value, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    match = re.fullmatch(r"(\d{4})(?:-?(\d{2}))?(?:-?(\d{2}))?(?:[T ].*)?", value)
    if match:
        year, month, day = match.groups()
        try:
            date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            return None  # 2017-13-45 is no date; better none than a wrong one
        return "-".join(part for part in (year, month, day) if part)
    from dateparser import parse

    parsed = parse(value, languages=["en"])
    return parsed.date().isoformat() if parsed else None
