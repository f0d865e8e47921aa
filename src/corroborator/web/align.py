"""Exact offsets between a document's machine text and the redacted text a reader sees.

Redaction replaces some stretches of a text by pseudonyms and leaves every other
character where it was, so the redacted text is *segments* of unchanged characters
separated by pseudonyms, and the machine text is the same segments separated by the
stretches that were replaced (never empty). Each segment is placed in the machine
text twice: as early as it can be (left to right) and as late as it can be (right to
left). Every valid placement lies between the two, so a segment placed at the same
offset both ways can only be there: that offset is exact. A segment placed at two
offsets is ambiguous, and nothing inside it is mapped. Callers refuse what cannot be
mapped; nothing is guessed.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass

from corroborator.witnesses import PSEUDONYM

logger = logging.getLogger(__name__)

_HEAD, _TAIL = PSEUDONYM.split("{}")
# Any pseudonym shape, numbered or not ("[Witness ?]"): every one separates segments.
PSEUDONYM_ANY = re.compile(re.escape(_HEAD) + r"[^\]\n]{0,24}" + re.escape(_TAIL))


@dataclass(frozen=True)
class Segment:
    """Unchanged characters: redacted ``[start, end)`` is machine ``[start + shift, end + shift)``."""

    start: int
    end: int
    shift: int


@dataclass(frozen=True)
class _Gap:
    """Pseudonyms at redacted ``[start, end)`` standing for machine ``[raw_start, raw_end)``."""

    raw_start: int
    raw_end: int
    start: int
    end: int
    count: int


class Alignment:
    """The exactly placed segments of one document's redacted text.

    Args:
        raw: The machine text.
        shown: The redacted text.
    """

    def __init__(self, raw: str, shown: str):
        self.segments: list[Segment] = []
        self.gaps: list[_Gap] = []
        runs: list[list[int]] = []  # [start, end, count] of back-to-back pseudonyms
        for m in PSEUDONYM_ANY.finditer(shown):
            if runs and runs[-1][1] == m.start():
                runs[-1][1:] = [m.end(), runs[-1][2] + 1]
            else:
                runs.append([m.start(), m.end(), 1])
        bounds = [0, *(x for s, e, _ in runs for x in (s, e)), len(shown)]
        pieces = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
        places = _place(raw, [shown[a:b] for a, b in pieces])
        if places is None:
            logger.debug("redacted text does not align with the machine text; nothing is mapped")
            return
        for (a, b), at in zip(pieces, places):
            # An empty first or last segment still places the text's start or end.
            if at is not None:
                self.segments.append(Segment(a, b, at - a))
        for i, (start, end, count) in enumerate(runs):
            before, after = places[i], places[i + 1]
            if before is not None and after is not None:
                lo = before + pieces[i][1] - pieces[i][0]
                self.gaps.append(_Gap(lo, after, start, end, count))
        self._shown_starts = [s.start for s in self.segments]
        self._raw_starts = [s.start + s.shift for s in self.segments]
        self._gap_starts = [g.raw_start for g in self.gaps]

    def to_raw(self, start: int, end: int) -> tuple[int, int] | None:
        """Machine offsets of redacted ``[start, end)``, or None unless it lies in one exactly placed segment."""
        i = bisect.bisect_right(self._shown_starts, start) - 1 if self.segments else -1
        if i < 0 or start >= end or end > self.segments[i].end:
            return None
        return start + self.segments[i].shift, end + self.segments[i].shift

    def to_shown(self, start: int, end: int) -> tuple[int, int] | None:
        """Redacted offsets of machine ``[start, end)``, or None if any of it was replaced or cannot be placed."""
        i = bisect.bisect_right(self._raw_starts, start) - 1 if self.segments else -1
        if i < 0 or start >= end:
            return None
        seg = self.segments[i]
        if end > seg.end + seg.shift:
            return None
        return start - seg.shift, end - seg.shift

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where redaction moved machine ``[start, end)``: a span reaching into a replaced stretch
        grows to cover its pseudonym, as :mod:`corroborator.outputs.redact` moves mentions."""
        lo, hi = self._map(start, is_end=False), self._map(end, is_end=True)
        return (lo, hi) if lo is not None and hi is not None else None

    def _map(self, pos: int, *, is_end: bool) -> int | None:
        """One machine offset moved; None where it cannot be known exactly."""
        i = bisect.bisect_right(self._raw_starts, pos) - 1 if self.segments else -1
        if i >= 0 and pos <= self.segments[i].end + self.segments[i].shift:
            return pos - self.segments[i].shift
        j = bisect.bisect_right(self._gap_starts, pos) - 1 if self.gaps else -1
        gap = self.gaps[j] if j >= 0 else None
        # Inside back-to-back pseudonyms the split between their stretches is unknown.
        if gap is None or not gap.raw_start < pos < gap.raw_end or gap.count != 1:
            return None
        return gap.end if is_end else gap.start


def _place(raw: str, pieces: list[str]) -> list[int | None] | None:
    """Machine offset of each piece (None where ambiguous); None if the texts do not align at all."""
    if len(pieces) == 1:
        return [0] if raw == pieces[0] else None
    first, last = pieces[0], pieces[-1]
    tail = len(raw) - len(last)
    if not raw.startswith(first) or not raw.endswith(last) or tail < len(first):
        return None
    early, at = [0], len(first)
    for piece in pieces[1:-1]:
        # A replaced stretch is never empty: each piece starts at least one character later.
        found = raw.find(piece, at + 1)
        if found < 0:
            return None
        early.append(found)
        at = found + len(piece)
    if at + 1 > tail:
        return None
    late, at = [tail], tail
    for piece in reversed(pieces[1:-1]):
        found = raw.rfind(piece, 0, at - 1)
        if found < 0:
            return None
        late.append(found)
        at = found
    late.reverse()
    if at - 1 < len(first):
        return None
    early.append(tail)
    late.insert(0, 0)
    return [e if e == x else None for e, x in zip(early, late)]
