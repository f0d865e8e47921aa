"""Quote marks read with a stack: the candidate quotes of each body paragraph.

Curly, straight, single and double marks are all read; single quotes nested in an open
quote belong to it; apostrophes and heights are not marks. A paragraph that opens a
quote without closing it continues in the next paragraph that opens with a mark (news
style); a paragraph whose only mark closes a quote starts the quote at its beginning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corroborator.extract._speakers import QUOTE_CHARS, Phrase

if TYPE_CHECKING:
    from corroborator.extract.protection import Person

_MARKS = re.compile(r"[\"'“”‘’«»„‹›]")


@dataclass(eq=False)
class Candidate:
    """A quote candidate: content span, mark span, paragraph, and how it is attributed."""

    start: int
    end: int
    open: int
    close: int
    para: int
    unclosed: bool = False
    orphan: bool = False
    continued: bool = False
    partial: bool = False
    lead_start: int = 0
    index: int = 0
    cue: tuple[Phrase, str, str] | None = None  # phrase, verb, how
    reported_by: str | None = None
    person: Person | None = None
    speaker_mention: str | None = None
    how: str | None = None
    phrase: Phrase | None = None


def _role(ch: str, prev: str, nxt: str, stack: list[tuple[bool, int]]) -> str | None:
    """What a quote mark does here: open/close a double or single quote, or nothing.

    Curly marks mostly say which way they face, but pages misuse them, so a mark that
    sits like a closer (word before, space after) closes an open quote whatever its
    shape. Straight marks face the way their spacing says. A single mark between two
    letters (didn't, Smith’s) is an apostrophe, and one that would close a single quote
    nobody opened (the boys' room) is one too.
    """
    before = prev.isspace() or prev in "([{—–-/:" or prev in QUOTE_CHARS
    after = nxt.isspace() or nxt in ".,;:!?)]}—–-*/" or nxt in QUOTE_CHARS
    doubles = [i for i, (single, _) in enumerate(stack) if not single]
    if ch in "“„«":
        return "close_d" if doubles and not before and after else "open_d"
    if ch in "”»":
        return "open_d" if not doubles and before and not after else "close_d"
    if ch == '"':
        if before != after:
            return "open_d" if before else "close_d"
        return "close_d" if doubles else "open_d"
    if prev.isalnum() and nxt.isalnum():
        return None
    single_open = any(single for single, _ in stack[(doubles[-1] + 1 if doubles else 0):])
    if before and not after:
        # '90s and ’til are elisions, not openers.
        return None if nxt.isdigit() or ch in "’›" else "open_s"
    if ch in "‘‹" and not before:
        return None
    return "close_s" if single_open else None


def scan(view: str, body: list[tuple[int, int]]) -> list[Candidate]:
    """Quote candidates of every body paragraph, read with a stack of open marks.

    Args:
        view: The normalised document text.
        body: Spans of the paragraphs to read (noise paragraphs left out).

    Returns:
        Candidates in text order; only outermost quotes, never the nested ones.
    """
    raws: list[Candidate] = []
    for index, (p_start, p_end) in enumerate(body):
        stack: list[tuple[bool, int]] = []
        seen = False
        for match in _MARKS.finditer(view, p_start, p_end):
            pos = match.start()
            prev = view[pos - 1] if pos > p_start else " "
            nxt = view[pos + 1] if pos + 1 < p_end else " "
            role = _role(match.group(), prev, nxt, stack)
            if role in ("open_d", "open_s"):
                stack.append((role == "open_s", pos))
                continue
            if role is None:
                continue
            single = role == "close_s"
            at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == single), None)
            if at is None:
                # A closing mark with no opener starts the quote at the paragraph (news style),
                # but only after punctuation: 6'2" is a height, not a quote.
                if not seen and not stack and not single and prev in ",.!?…—–-":
                    raws.append(_candidate(view, p_start, pos, p_start, pos + 1, index, orphan=True))
                    seen = True
                continue
            opener = stack[at][1]
            del stack[at:]
            if not stack:
                raws.append(_candidate(view, opener + 1, pos, opener, pos + 1, index))
                seen = True
        if stack and (not stack[0][0] or stack[0][1] == p_start):
            raws.append(_candidate(view, stack[0][1] + 1, p_end, stack[0][1], p_end, index, unclosed=True))
    return [r for r in raws if r.end > r.start]


def _candidate(view: str, start: int, end: int, mark_open: int, mark_close: int, para: int,
               **flags: bool) -> Candidate:
    """A candidate with its content span stripped of white space."""
    while start < end and view[start].isspace():
        start += 1
    while end > start and view[end - 1].isspace():
        end -= 1
    return Candidate(start, end, mark_open, mark_close, para, **flags)


def link_chains(by_para: dict[int, list[Candidate]], body: list[tuple[int, int]]) -> None:
    """Mark the paragraph chunks that continue an unclosed quote of the paragraph before.

    Args:
        by_para: Kept candidates by paragraph index, in text order.
        body: The body paragraph spans.
    """
    for para, quotes in by_para.items():
        nxt = by_para.get(para + 1)
        if quotes[-1].unclosed and nxt and (nxt[0].open == body[para + 1][0] or nxt[0].orphan):
            nxt[0].continued = True
