"""Web pages: main text and metadata through trafilatura, and the metadata helpers readers share."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from corroborator.errors import InputError
from corroborator.model import Document

MIN_HTML_WORDS = 5


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

    try:
        # No extensive date search: it turns a bare "/2017/" in a link into "2017-01-01".
        # A date from the page's markup or none: better none than a wrong one.
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                             date_extraction_params=set_date_params(extensive=False))
    except (ValueError, TypeError, AttributeError) as exc:  # lxml raises these on broken markup
        raise InputError(path, f"malformed HTML ({exc})") from exc
    meta = result.as_dict() if result is not None else {}
    text = (meta.get("text") or "").strip()
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
