"""Where redaction moved the characters of a text: exact offsets both ways.

Redaction replaces some stretches of a text by pseudonyms and leaves every other
character where it was; a :class:`TextMap` built from the replaced stretches maps
offsets between the machine text and the redacted one without guessing.
"""

from __future__ import annotations

import bisect


class TextMap:
    """Where redaction moved the characters of one document's text.

    Redaction replaces some stretches of the text (``spans``: machine ``start``, ``end``
    and the pseudonym put there) and leaves every other character where it was, so this
    map is exact: nothing is guessed from the texts.

    Args:
        spans: The replaced stretches, sorted and not overlapping.
    """

    def __init__(self, spans: list[tuple[int, int, str]]):
        self.starts = [s for s, _, _ in spans]
        self.ends = [e for _, e, _ in spans]
        self.new_starts: list[int] = []
        self.new_ends: list[int] = []
        shift = 0
        for start, end, replacement in spans:
            self.new_starts.append(start + shift)
            self.new_ends.append(start + shift + len(replacement))
            shift += len(replacement) - (end - start)

    def map(self, pos: int, *, is_end: bool) -> int:
        """New offset of ``pos``; inside a replaced span, that span's new start or end."""
        i = bisect.bisect_right(self.ends, pos)
        if i < len(self.starts) and self.starts[i] < pos < self.ends[i]:
            return self.new_ends[i] if is_end else self.new_starts[i]
        return pos + (self.new_ends[i - 1] - self.ends[i - 1] if i else 0)

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        """Where redaction moved machine ``[start, end)``: a span reaching into a replaced
        stretch grows to cover its pseudonym, as mentions do."""
        return self.map(start, is_end=False), self.map(end, is_end=True)

    def to_shown(self, start: int, end: int) -> tuple[int, int] | None:
        """Redacted offsets of machine ``[start, end)``, or None if any of it was replaced."""
        return _unchanged(self.starts, self.ends, self.new_starts, self.new_ends, start, end)

    def to_raw(self, start: int, end: int) -> tuple[int, int] | None:
        """Machine offsets of redacted ``[start, end)``, or None if it touches a pseudonym."""
        return _unchanged(self.new_starts, self.new_ends, self.starts, self.ends, start, end)


def _unchanged(starts: list[int], ends: list[int], other_starts: list[int], other_ends: list[int],
               start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` in the other text, if it lies wholly between replaced stretches."""
    if start >= end or start < 0:
        return None
    i = bisect.bisect_right(ends, start)  # the first replaced stretch ending after ``start``
    if i < len(starts) and starts[i] < end:
        return None
    shift = other_ends[i - 1] - ends[i - 1] if i else 0
    return start + shift, end + shift
