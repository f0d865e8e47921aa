"""Counts as news English writes them: digits, number words, dozens, ranges, qualifiers.

Pure functions over lower-cased tokens (the tokenizer of :mod:`corroborator.analyze.figures`
keeps ``"1,200"``, ``"thirty-six"`` and ``"31-page"`` as single tokens). They answer
"is there a count here, how big, how hedged?"; *what* is counted is decided by the
caller.

Decisions:

- "a dozen" is 12 and "half a dozen" 6, both qualified ``about``; "dozens", "hundreds",
  "scores" and "thousands" (no stated value) are not counts.
- "nearly", "almost", "close to" are ``about`` (they hedge the number, not bound it).
- "as many as", "up to", "no more than", "fewer than", "less than" are ``at_most``.
- A range ("50-60", "50 to 60", "between 50 and 60") is its low end with ``at_least``
  and the high end in ``Count.high``: the conservative reading of the claim.
- A decimal is a count only with a scale word ("1.5 million").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_UNITS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
#: Every word that can start a count written in letters (for cheap stop checks).
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES) - {"zero"}
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_DECIMAL = re.compile(r"\d+\.\d+")
_DIGIT_RANGE = re.compile(r"(\d[\d,]*)[-–](\d[\d,]*)")
_CURRENCY = frozenset("$ € £ ¥ ₽ ₹ us$ usd eur gbp rs".split())
# Words right before a number that make it a label, an age or a measure, not a count.
_NOT_COUNT_BEFORE = frozenset(
    "aged age ages no no. number # page pages chapter article section route flight line room "
    "channel episode season vol volume grade level category magnitude size zone ward district "
    "gate platform bus tu-154 boeing airbus paragraph item resolution".split()
)
_NOT_COUNT_AFTER = frozenset("% percent per pc".split())

_QUALIFIERS_BEFORE: dict[tuple[str, ...], str] = {}
for _phrases, _qual in (
    ("at least|no fewer than|no less than|not less than|a minimum of|at minimum", "at_least"),
    ("more than|over|upwards of|in excess of|well over|just over|well above|above|greater than", "more_than"),
    ("as many as|up to|at most|no more than|fewer than|less than|a maximum of|not more than", "at_most"),
    (
        "some|about|around|roughly|approximately|approx|nearly|almost|close to|an estimated|estimated|"
        "circa|just under|an approximate|about some|perhaps|possibly|maybe",
        "about",
    ),
):
    for _p in _phrases.split("|"):
        _QUALIFIERS_BEFORE[tuple(_p.split())] = _qual
_QUALIFIERS_AFTER = {("or", "more"): "at_least", ("or", "so"): "about", ("plus",): "more_than"}
_LONGEST_QUALIFIER = max(len(k) for k in _QUALIFIERS_BEFORE)


@dataclass(frozen=True, slots=True)
class Count:
    """A parsed count: ``value`` spans tokens ``[start, end)``.

    ``vague`` marks a count read from a word of magnitude ("dozens", "сотни"), ``collective``
    a collective numeral ("трое"); the English reader sets neither.
    """

    value: int
    start: int
    end: int
    qualifier: str | None = None
    high: int | None = None
    vague: bool = False
    collective: bool = False


def _int(token: str) -> int | None:
    """Value of a digit token ("1,200") or None."""
    if _DIGITS.fullmatch(token):
        return int(token.replace(",", ""))
    return None


def _word_value(token: str) -> int | None:
    """Value of one number-word token, hyphenated tens included ("thirty-six")."""
    if token in _UNITS:
        return _UNITS[token]
    if token in _TENS:
        return _TENS[token]
    head, _, tail = token.partition("-")
    if head in _TENS and tail in _UNITS and 0 < _UNITS[tail] < 10:
        return _TENS[head] + _UNITS[tail]
    return None


def _words(lows: Sequence[str], i: int) -> tuple[int, int] | None:
    """Parse a count written in words from token ``i``: (value, end index)."""
    total, current, j, last = 0, 0, i, None
    while j < len(lows):
        tok = lows[j]
        small = _word_value(tok)
        if small is not None:
            # "twenty five" joins; "two three" does not.
            if last is not None and not (last in _TENS.values() and 0 < small < 10) and last != "scale":
                break
            current += small
            last = small
        elif tok in _SCALES and last is not None and last != "scale":
            if _SCALES[tok] == 100:
                current *= 100
            else:
                total += current * _SCALES[tok]
                current = 0
            last = "scale"
        elif tok == "and" and last == "scale" and j + 1 < len(lows) and _word_value(lows[j + 1]) is not None:
            pass  # "two hundred and fifty"
        else:
            break
        j += 1
    if last is None:
        return None
    return total + current, j


def parse_count(lows: Sequence[str], i: int) -> Count | None:
    """Parse the count starting at token ``i``.

    Args:
        lows: Lower-cased tokens of one sentence.
        i: Index of the token to start at.

    Returns:
        The count, or None when the tokens there are not a count (including "dozens",
        "31-page", a bare decimal, and a digit group glued to letters).
    """
    tok = lows[i]
    nxt = lows[i + 1] if i + 1 < len(lows) else ""
    if tok in ("a", "an", "one") and nxt in ("dozen", "hundred", "thousand"):
        value, qualifier = {"dozen": (12, "about"), "hundred": (100, None), "thousand": (1000, None)}[nxt]
        return Count(value, i, i + 2, qualifier)
    if tok == "half" and lows[i + 1 : i + 3] == ["a", "dozen"]:
        return Count(6, i, i + 3, "about")
    if tok[0].isdigit():
        return _digit_count(lows, i, tok, nxt)
    parsed = _words(lows, i)
    if parsed is None:
        return None
    value, end = parsed
    if end < len(lows) and lows[end] == "dozen":
        return Count(value * 12, i, end + 1, "about")
    return _with_range(lows, i, Count(value, i, end))


def _digit_count(lows: Sequence[str], i: int, tok: str, nxt: str) -> Count | None:
    """Parse a count whose first token holds digits."""
    value = _int(tok)
    if value is None:
        if tok.endswith("-plus") and _int(tok[:-5]) is not None:
            return Count(_int(tok[:-5]) or 0, i, i + 1, "more_than")
        found = _DIGIT_RANGE.fullmatch(tok)
        if found:
            low, high = int(found.group(1).replace(",", "")), int(found.group(2).replace(",", ""))
            return Count(low, i, i + 1, "at_least", high) if low < high else None
        if _DECIMAL.fullmatch(tok) and nxt in _SCALES and nxt != "hundred":
            return Count(round(float(tok) * _SCALES[nxt]), i, i + 2)
        return None
    if nxt in ("million", "billion", "thousand"):
        return Count(value * _SCALES[nxt], i, i + 2)
    return _with_range(lows, i, Count(value, i, i + 1))


def _with_range(lows: Sequence[str], i: int, count: Count) -> Count:
    """Widen ``count`` to a range when "to N" / "and N" (after "between") follows."""
    end = count.end
    if end + 1 >= len(lows):
        return count
    joiner = lows[end]
    between = i > 0 and lows[i - 1] == "between"
    # "rose from 30 to 41" is a change, not a range.
    if not ((joiner in ("to", "-", "–") and not (i > 0 and lows[i - 1] == "from")) or (joiner == "and" and between)):
        return count
    high_tok = lows[end + 1]
    high = _int(high_tok) if high_tok[0].isdigit() else _word_value(high_tok)
    if high is None or high <= count.value:
        return count
    return Count(count.value, i, end + 2, "at_least", high)


def qualifier_before(lows: Sequence[str], i: int) -> tuple[str | None, int]:
    """The qualifier ending right before token ``i`` and the index it starts at."""
    for size in range(min(_LONGEST_QUALIFIER, i), 0, -1):
        qualifier = _QUALIFIERS_BEFORE.get(tuple(lows[i - size : i]))
        if qualifier:
            return qualifier, i - size
    return None, i


def qualifier_after(lows: Sequence[str], j: int) -> tuple[str | None, int]:
    """A trailing qualifier ("or more") starting at token ``j`` and the index after it."""
    for size in (2, 1):
        qualifier = _QUALIFIERS_AFTER.get(tuple(lows[j : j + size]))
        if qualifier:
            return qualifier, j + size
    return None, j


def non_count_reason(lows: Sequence[str], count: Count) -> str | None:
    """Why the number at ``count`` is a date, year, money, percentage or label, or None.

    Args:
        lows: Lower-cased tokens of the sentence.
        count: A count parsed from ``lows``.

    Returns:
        A short reason ("date", "money", ...) or None when it may be a count.
    """
    before = lows[count.start - 1] if count.start else ""
    after = lows[count.end] if count.end < len(lows) else ""
    following = lows[count.end + 1] if count.end + 1 < len(lows) else ""
    if (after in ("year", "years", "month", "months", "week", "weeks") and following in ("old", "of")) \
            or after in ("year-old", "years-old", "yr", "yo", "y/o", "month-old") \
            or (after in ("-", "–") and following in ("year", "years", "month")):  # "20–year–old"
        return "age"  # "a 6 year old victim", "children 5 years of age"
    if before in _CURRENCY or after in ("dollars", "euros", "pounds", "roubles", "rubles"):
        return "money"
    if after in _NOT_COUNT_AFTER:
        return "percentage"
    if before in MONTHS or after in MONTHS or (before == "." and count.start > 1 and lows[count.start - 2] in MONTHS):
        return "date"
    if before in _NOT_COUNT_BEFORE:
        return "label"
    token = lows[count.start]
    if count.end - count.start == 1 and len(token) == 4 and token.isdigit() and 1800 <= count.value <= 2100:
        return "year"
    return None
