"""Offset-preserving text helpers shared by the cleaner and the extractors.

Every function here returns ``(start, end)`` offsets into the string it was given and
never changes the string: the raw document text stays the reference for every span.
"""

from __future__ import annotations

import re

_SPACE_LIKE = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000"), " ")
_ANY_SPACE_LIKE = re.compile("[" + "".join(map(chr, _SPACE_LIKE)) + "]")
_PARAGRAPH = re.compile(r"[^\n]+")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before
# whitespace and an upper-case letter (Latin or Cyrillic), digit or opening quote.
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+["'“‘«„(\[]?[A-Z0-9А-ЯЁ])""")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen col lt sgt st jr sr inc ltd co corp no vs etc u.s u.k e.g i.e jan feb mar apr jun jul aug sep sept oct nov dec".split()
) | frozenset("абвгдеёжзиклмнопрстуфхцчшщэюя") | frozenset("им ул гг т.е т.к т.н ст".split())  # Russian initials


def normalized(text: str) -> str:
    """Same-length view of ``text`` with non-breaking and other odd spaces made plain."""
    # Most texts have no odd space: looking for one is far cheaper than translating every character.
    if text.isascii() or _ANY_SPACE_LIKE.search(text) is None:
        return text
    return text.translate(_SPACE_LIKE)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty lines of ``text``, stripped of surrounding white space."""
    spans = []
    for match in _PARAGRAPH.finditer(text):
        start, end = strip_span(text, match.start(), match.end())
        if end > start:
            spans.append((start, end))
    return spans


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, never crossing a line break."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraphs(text[start:end]):
        p_start += start
        p_end += start
        cursor = p_start
        for match in _SENTENCE_END.finditer(text, p_start, p_end):
            word = text[max(p_start, match.start() - 6) : match.start() + 1].split()[-1:] or [""]
            if word[0].rstrip(".").lower().lstrip("(\"'“‘") in _ABBREVIATIONS:
                continue
            s, e = strip_span(text, cursor, match.end())
            if e > s:
                spans.append((s, e))
            cursor = match.end()
        s, e = strip_span(text, cursor, p_end)
        if e > s:
            spans.append((s, e))
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def enclosing(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The span of ``spans`` (sorted) that contains ``start``, or None."""
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid][1] <= start:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(spans) and spans[lo][0] <= start and end <= spans[lo][1] + 1:
        return spans[lo]
    return None
