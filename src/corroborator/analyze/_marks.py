"""Quote marks read with a stack: the candidate quotes of each body paragraph.

Curly, straight, single and double marks are all read; single quotes nested in an open
quote belong to it; apostrophes and heights are not marks. A paragraph that opens a
quote without closing it continues in the next paragraph that opens with a mark (news
style); a paragraph whose only mark closes a quote starts the quote at its beginning.

Everything here is linear in the paragraph: the stack keeps the positions of its open
doubles and singles, :func:`clause_bounds` finds each candidate's neighbours in one pass
each way, and :class:`ParagraphQuotes` / :class:`SpanIndex` answer "which quote comes
next?" and "is this offset inside a quote?" by binary search.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corroborator.analyze._speakers import QUOTE_CHARS, Phrase

if TYPE_CHECKING:
    from corroborator.analyze.protection import Person

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


def _role(ch: str, prev: str, nxt: str, double_open: bool, single_open: bool) -> str | None:
    """What a quote mark does here: open/close a double or single quote, or nothing.

    ``double_open`` says a double quote is open; ``single_open`` that a single quote is
    open inside the innermost double one (or with none open). Curly marks mostly say
    which way they face, but pages misuse them, so a mark that sits like a closer (word
    before, space after) closes an open quote whatever its shape. Straight marks face
    the way their spacing says. A single mark between two letters (didn't, Smith’s) is
    an apostrophe, and one that would close a single quote nobody opened (the boys'
    room) is one too.
    """
    before = prev.isspace() or prev in "([{—–-/:" or prev in QUOTE_CHARS
    after = nxt.isspace() or nxt in ".,;:!?)]}—–-*/" or nxt in QUOTE_CHARS
    if ch in "“„«":
        return "close_d" if double_open and not before and after else "open_d"
    if ch in "”»":
        return "open_d" if not double_open and before and not after else "close_d"
    if ch == '"':
        if before != after:
            return "open_d" if before else "close_d"
        return "close_d" if double_open else "open_d"
    if prev.isalnum() and nxt.isalnum():
        return None
    if before and not after:
        # '90s and ’til are elisions, not openers.
        return None if nxt.isdigit() or ch in "’›" else "open_s"
    if ch in "‘‹" and not before:
        return None
    return "close_s" if single_open else None


class _Stack:
    """The open marks of a paragraph, with the positions of the open doubles and singles.

    Keeping both index lists makes every question the scanner asks ("is a double open?",
    "where is the innermost single?") O(1), so a paragraph with thousands of unbalanced
    marks stays linear.
    """

    def __init__(self) -> None:
        self.marks: list[tuple[bool, int]] = []  # (single, position)
        self.tops: dict[bool, list[int]] = {False: [], True: []}  # indices into marks, by kind

    def push(self, single: bool, pos: int) -> None:
        """Open a quote at ``pos``."""
        self.tops[single].append(len(self.marks))
        self.marks.append((single, pos))

    def double_open(self) -> bool:
        """True while a double quote is open."""
        return bool(self.tops[False])

    def single_open(self) -> bool:
        """True when a single quote is open inside the innermost double one (or with none open)."""
        singles, doubles = self.tops[True], self.tops[False]
        return bool(singles) and (not doubles or singles[-1] > doubles[-1])

    def close(self, single: bool) -> int | None:
        """Close the innermost open quote of this kind (and all inside it); its opening position."""
        if not self.tops[single]:
            return None
        at = self.tops[single][-1]
        opener = self.marks[at][1]
        del self.marks[at:]
        for kind in (False, True):
            while self.tops[kind] and self.tops[kind][-1] >= at:
                self.tops[kind].pop()
        return opener


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
        stack = _Stack()
        seen = False
        for match in _MARKS.finditer(view, p_start, p_end):
            pos = match.start()
            prev = view[pos - 1] if pos > p_start else " "
            nxt = view[pos + 1] if pos + 1 < p_end else " "
            role = _role(match.group(), prev, nxt, stack.double_open(), stack.single_open())
            if role in ("open_d", "open_s"):
                stack.push(role == "open_s", pos)
                continue
            if role is None:
                continue
            single = role == "close_s"
            opener = stack.close(single)
            if opener is None:
                # A closing mark with no opener starts the quote at the paragraph (news style),
                # but only after punctuation: 6'2" is a height, not a quote.
                if not seen and not stack.marks and not single and prev in ",.!?…—–-":
                    raws.append(_candidate(view, p_start, pos, p_start, pos + 1, index, orphan=True))
                    seen = True
                continue
            if not stack.marks:
                raws.append(_candidate(view, opener + 1, pos, opener, pos + 1, index))
                seen = True
        first = stack.marks[0] if stack.marks else None
        if first is not None and (not first[0] or first[1] == p_start):
            raws.append(_candidate(view, first[1] + 1, p_end, first[1], p_end, index, unclosed=True))
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


class SpanIndex:
    """Spans that answer "does any of them cover this offset?" by binary search.

    The spans may overlap: a running maximum of their ends over the sorted starts makes
    one lookup enough, where scanning every span per question would be quadratic.
    """

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(itertools.accumulate((end for _, end in ordered), max))

    def covers(self, pos: int) -> bool:
        """True when some span has ``start <= pos < end``."""
        at = bisect.bisect_right(self.starts, pos) - 1
        return at >= 0 and self.reach[at] > pos

    def reach_before(self, pos: int) -> int:
        """The furthest end of the spans that start at or before ``pos`` (-1 if none do)."""
        at = bisect.bisect_right(self.starts, pos) - 1
        return self.reach[at] if at >= 0 else -1

    def __len__(self) -> int:
        """How many spans there are."""
        return len(self.starts)


def clause_bounds(view: str, paragraph: list[Candidate], p_start: int, p_end: int) -> list[tuple[int, int]]:
    """For each candidate of a paragraph, where its lead may start and its attribution must end.

    The lead starts after the last candidate before it that ends a clause, the
    attribution ends before the next one: one pass each way instead of a search per
    candidate. A one- or two-word candidate (a name in quotes, a scare quote) ends no
    clause.

    Args:
        view: The normalised document text.
        paragraph: The paragraph's candidates in text order.
        p_start: Start of the paragraph.
        p_end: End of the paragraph.

    Returns:
        ``(lead_from, after_to)`` per candidate, in the same order.
    """
    ends_clause = [_at_least_words(view, r.start, r.end, 3) for r in paragraph]
    bounds: list[tuple[int, int]] = []
    lead_from = p_start
    for raw, long in zip(paragraph, ends_clause):
        bounds.append((lead_from, p_end))
        if long:
            lead_from = raw.close
    after_to = p_end
    for at in range(len(paragraph) - 1, -1, -1):
        bounds[at] = (bounds[at][0], after_to)
        if ends_clause[at]:
            after_to = paragraph[at].open
    return bounds


def _at_least_words(view: str, start: int, end: int, count: int) -> bool:
    """True when ``view[start:end]`` holds ``count`` or more white-space separated words."""
    return len(view[start: end].split(None, count - 1)) >= count


class ParagraphQuotes:
    """The kept quotes of one paragraph, indexed once so each question is a binary search."""

    def __init__(self, quotes: list[Candidate]):
        self.quotes = quotes
        self.opens = [r.open for r in quotes]
        self.attributed = [r for r in quotes if r.cue and r.cue[2] != "subject"]
        self.attributed_opens = [r.open for r in self.attributed]
        self.spans = SpanIndex((r.start, r.close) for r in quotes)

    def overlaps(self, start: int, end: int) -> bool:
        """True when a quote's marks overlap ``[start, end)``."""
        # Quotes never overlap, so the last one opening before ``end`` closes last.
        at = bisect.bisect_left(self.opens, end) - 1
        return at >= 0 and self.quotes[at].close > start

    def next_open(self, pos: int, default: int) -> int:
        """Where the first quote opening at or after ``pos`` opens, else ``default``."""
        at = bisect.bisect_left(self.opens, pos)
        return self.opens[at] if at < len(self.opens) else default

    def nearest_attributed(self, raw: Candidate) -> Candidate | None:
        """The closest other attributed quote of the paragraph (earlier ones first)."""
        at = bisect.bisect_left(self.attributed_opens, raw.open)
        if at > 0:
            return self.attributed[at - 1]
        if at < len(self.attributed) and self.attributed[at] is raw:
            at += 1
        return self.attributed[at] if at < len(self.attributed) else None
