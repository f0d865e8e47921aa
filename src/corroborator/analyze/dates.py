"""Date mentions normalised against the publish date, and the dated events they anchor.

Rule-based and pure Python: precompiled regexes with a month table find candidate
phrases, a little context decides whether a number or a month name really is a date,
and :mod:`corroborator.analyze._dateresolve` normalises each one to ``YYYY-MM-DD``
(day), ``YYYY-MM`` (month), ``YYYY-<season>`` (season; ``fall`` is ``autumn``, winter
is named by its December), ``YYYY`` (year) or a ``range`` (``value`` = start,
``attrs["end_value"]`` = end). Spans never include a leading preposition or article:
"in the summer of 2017" gives the span "summer of 2017".

Reference date, in order: ``doc.published``; else the ``case_reference`` the caller
passes; else the latest full year stated in the report's own text (body and headline,
never captions or footers). A year-only reference resolves years ("last year", "Ten
years ago", "the past year" as years) and gives a yearless "April" that year; anything
finer ("yesterday", "on Tuesday", "the last four months") stays unresolved.

Resolution rules:

- A month or day without a year is the latest such date not after the reference
  (AP style). When its sentence speaks of the future ("will", "wants to", "is set
  for", ...) it is the first one not yet over at the reference instead, a day with a
  month's grace: "by the start of Ramadan on May 26" is this year's May 26 whether the
  report is from May 20 or June 5, and "will be held in December" in January is this
  December. Weekdays: the latest on or before the reference, the first on or after it
  in future context; "last Tuesday" is strictly before, "next Friday" is the Friday of
  next week.
- Without a publish date, a yearless date first takes the year of the nearest
  preceding full date in its paragraph (wire style: "on 05 May 2006 ... said 02 May").
- A date that cannot be resolved is still emitted, with ``value`` None,
  ``attrs["unresolved"]`` saying why and ``attrs["partial"]`` holding the ISO 8601
  reduced form ("--05-26" for a yearless 26 May); it makes no event.
- "last/this/next week" is that Monday-to-Sunday week (a range); "last/this/next
  month/year/season" that month, year or season; "N days/weeks/months/years ago" a
  day, day (``approximate``), month or year; "the past/last N units" a range ending at
  the reference (months and years start at month precision, days and weeks at day).
- Not dates: vague spans ("in recent months", "the last few months"), durations ("for
  two weeks", "for more than a decade"), ages ("30-year-old"), counts ("2000 people"),
  numeric dates ("12/06/2017", ambiguous). A bare month needs a preposition before it
  ("in April") or a date it continues ("between April and June"), and April, May,
  June or August before a capitalised word is a name ("by May Jones"). Dates in noise
  spans (captions, teasers, datelines ...) are emitted with ``attrs["in_noise"]`` True
  and make no events; the headline is the report's own text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from corroborator.analyze._dateresolve import MONTH_NAMES, NUMBERS, month_number, reference, resolve
from corroborator.analyze._shared import text_sentences
from corroborator.model import OWN_TEXT_NOISE_KINDS, Document, Event, Mention, mention_id
from corroborator.settings import DEFAULTS, DateSettings
from corroborator.text import enclosing, normalized, paragraphs

logger = logging.getLogger(__name__)

EXTRACTOR = "dates.rules.v1"
EVENT_EXTRACTOR = "events.rules.v1"
#: The packaged default of ``dates.what_max_chars``: the longest event ``what``.
WHAT_MAX_CHARS = DEFAULTS.dates.what_max_chars


def _cased(words: str) -> str:
    """Each word in lower and capitalised form, as a regex alternation."""
    return "|".join(f"{w}|{w.capitalize()}" for w in words.split())


# Every finditer pattern starts with a literal (no leading \b, no re.I) so the regex
# engine can skip ahead to candidate characters: that makes them several times faster.
# Word boundaries before a match are checked in code (_starts_word).
_FULL_MONTH = "|".join(MONTH_NAMES)
# Month names are matched case-sensitively so "may" and "march" stay verbs.
# An abbreviation's full stop belongs to it only when a day or year follows ("Sept. 14").
# One flat alternation of literals: nesting it in groups would slow the scan.
_MONTH = rf"(?:{_FULL_MONTH}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![A-Za-z])(?:\.(?=\s+\d))?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_SEASON = _cased("spring summer autumn fall winter")
_YEAR_DIGITS = r"(?:19|20)\d\d"
_YEAR = _YEAR_DIGITS + r"(?![\d%]|,\d|\.\d)"
_NUM = rf"(?:\d{{1,3}}|{'|'.join(sorted(NUMBERS, key=len, reverse=True))})"
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"

_ISO_DATE = re.compile(rf"(?P<year>{_YEAR_DIGITS})-(?P<month>[01]\d)(?:-(?P<day>[0-3]\d))?\b(?!-\d)")
_MONTH_DAY = re.compile(
    rf"(?P<month>{_MONTH})\s+(?P<day>\d\d?)(?:st|nd|rd|th)?(?![\d:%]|-year)\b(?:,?\s+(?P<year>{_YEAR}))?"
)
_DAY_MONTH = re.compile(rf"(?P<day>\d\d?)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?")
_MONTH_YEAR = re.compile(rf"(?P<month>{_MONTH})(?:\s+of)?,?\s+(?P<year>{_YEAR})")
_BARE_MONTH = re.compile(rf"(?P<month>{_FULL_MONTH})\b(?!['’]s)")
_SEASON_YEAR = re.compile(rf"(?P<season>{_SEASON})(?:\s+of)?,?\s+(?P<year>{_YEAR})")
_BARE_SEASON = re.compile(rf"(?P<season>{_SEASON})\b(?!\s+of\b)")
_BARE_YEAR = re.compile(rf"(?P<year>{_YEAR})(?!s\b|/)")
_WEEKDAY_RE = re.compile(rf"(?P<weekday>{_WEEKDAY})\b(?!s\b)")
_DAY_WORDS = frozenset("yesterday today tonight tomorrow".split())
_RELATIVE = re.compile(
    rf"(?P<word>{_cased('yesterday today tonight tomorrow last this next')})\b"
    r"(?:\s+(?P<unit>night|week|month|year|spring|summer|autumn|fall|winter)\b)?"
)
_AGO = re.compile(r"(?:ago|Ago)\b")
_AGO_BEFORE = re.compile(rf"(?<![A-Za-z])(?P<n>{_NUM})\s+{_UNIT}\s+$", re.I)
_PAST_RANGE = re.compile(
    rf"(?:the|The)\s+(?P<span>(?i:past|last|previous)\s+(?:(?P<n>(?i:{_NUM}))\s+)?(?i:{_UNIT}))\b(?!\s+of\b)"
)
_WEEKDAY_BEFORE = re.compile(rf"{_WEEKDAY},?\s+$")
_DIRECTION_BEFORE = re.compile(r"(?<![A-Za-z])(?P<dir>[Ll]ast|[Nn]ext|[Tt]his)\s+$")

_MONTH_CUES = frozenset("in since by until till from through during before after between of early late mid".split())
_SEASON_CUES = frozenset("in since by until till from through during before after between of".split())
# "and", "or", "to" are no cue: "2015 and 2016 were" is rare, "and 2000 people" is not.
# "a 2017 report" and "Watch's 2017 report" are years; "a 2000 people" is not English.
_YEAR_CUES = _MONTH_CUES | frozenset("year years a an s ©".split())
_QUANTITY_WORDS = frozenset("over about nearly almost around some than least roughly approximately only just".split())
_PREV_WORDS = re.compile(r"([A-Za-z©]+)(?:[^A-Za-z©\n]{1,3}([A-Za-z©]+))?[\s-]*$")
_LOWER_WORD_NEXT = re.compile(r"\s+[a-z]")
# Months that are also given names: "interviewed by May Jones" is no date.
_NAME_MONTHS = frozenset({"April", "May", "June", "August"})
_CAPITAL_WORD_NEXT = re.compile(r"\s+[A-Z][a-z]")
_LINK = re.compile(r"\s*(?:(?:and|or|to|through|until)\s+|[-–]\s*)$")
_FUTURE = re.compile(
    r"\b(?:will|shall|wants?\s+to|plans?\s+to|planning\s+to|going\s+to|intends?\s+to|vow(?:s|ed)?\s+to"
    r"|(?:is|are)\s+(?:set|due|expected|scheduled)\s+(?:to|for|on)|upcoming|deadline)\b|['’]ll\b",
    re.I,
)
_SPECIFICITY = {"day": 0, "month": 1, "season": 2, "range": 3, "year": 4}


def extract_dates(doc: Document, *, case_reference: str | None = None,
                  settings: DateSettings = DEFAULTS.dates) -> list[Mention]:
    """Find date expressions in a report and normalise them.

    Args:
        doc: The report; ``doc.published`` (ISO date or None) is the reference date.
        case_reference: A case-level ISO date (``YYYY[-MM[-DD]]``) used only when the
            report has no publish date, e.g. the case's median publish date.
        settings: ``future_grace_days`` is how long after a yearless day a report may
            still speak of it as ahead ("by May 26").

    Returns:
        Mentions of kind ``"date"`` in text order, with ``attrs`` ``value``,
        ``precision``, ``in_noise`` and, for ranges, ``end_value``. Unresolvable dates
        have ``value`` None and say why in ``attrs["unresolved"]``.
    """
    return resolve_dates(doc, _select(_candidates(doc.text)), future=_FUTURE, resolver=resolve,
                         case_reference=case_reference, settings=settings)


def resolve_dates(doc: Document, candidates: Sequence[tuple[int, int, str, dict[str, str]]], *, future: re.Pattern[str],
                  resolver: Callable[..., dict[str, Any] | None], case_reference: str | None = None,
                  settings: DateSettings = DEFAULTS.dates) -> list[Mention]:
    """Date mentions from matched phrases, resolved in text order (shared by every language).

    Args:
        doc: The report.
        candidates: ``(start, end, kind, regex fields)`` of each phrase, in text order.
        future: Words that make a yearless date in their sentence a coming one ("will", "by").
        resolver: Turns one phrase into ``attrs`` (:func:`corroborator.analyze._dateresolve.resolve`
            or a language's own, called with the phrase's text as a last argument when it takes one).
        case_reference: A case-level ISO date used when the report has no publish date.
        settings: ``future_grace_days``.

    Returns:
        Mentions of kind ``"date"`` (see :func:`extract_dates`).
    """
    text = doc.text
    in_noise = [_noisy(doc, s, e) for s, e, _, _ in candidates]
    text_years = [int(f["year"]) for (*_, f), noisy in zip(candidates, in_noise) if f.get("year") and not noisy]
    ref = reference(doc.published, case_reference, text_years)
    paras = paragraphs(text)
    sents: list[tuple[int, int]] | None = None
    anchor: tuple[tuple[int, int] | None, int] | None = None
    wants_phrase = resolver is not resolve
    mentions = []
    for (start, end, kind, fields), noisy in zip(candidates, in_noise):
        para = enclosing(paras, start, end)
        anchor_year = anchor[1] if anchor and anchor[0] == para and ref.day is None else None
        if fields.get("year") and (fields.get("month") or fields.get("season")):
            anchor = (para, int(fields["year"]))
        coming = False
        if kind in ("md", "month", "season", "weekday") and not fields.get("year"):
            sents = sents if sents is not None else text_sentences(text)
            sent = enclosing(sents, start, end) or (start, end)
            coming = future.search(text, sent[0], sent[1]) is not None
        args = (kind, fields, ref, coming, anchor_year, settings.future_grace_days)
        attrs = resolver(*args, text[start:end]) if wants_phrase else resolver(*args)
        if attrs is None:
            continue
        attrs["in_noise"] = noisy
        if attrs["value"] is None:
            logger.debug("%s: unresolved date %r at %d (%s)", doc.id, text[start:end], start, attrs["unresolved"])
        mid = mention_id(doc.id, "date", start, end)
        mentions.append(Mention(mid, doc.id, start, end, "date", EXTRACTOR, text[start:end], attrs))
    return mentions


def extract_events(doc: Document, dates: Sequence[Mention],
                   settings: DateSettings = DEFAULTS.dates) -> tuple[list[Event], list[Mention]]:
    """Turn the resolved body dates of a report into dated statements.

    One event per sentence holding a resolved date outside noise spans; when a sentence
    holds several, the most specific (day > month > season > range > year, then the
    first) dates the event and the others are kept in the sentence mention's attrs.

    Args:
        doc: The report.
        dates: Its date mentions, as :func:`extract_dates` returns them.
        settings: ``what_max_chars`` bounds an event's summary.

    Returns:
        The events, and the sentence mentions (kind ``"event"``) they point at.
    """
    usable = [m for m in dates if m.kind == "date" and m.attrs.get("value") and not m.attrs.get("in_noise")]
    if not usable:
        return [], []
    sents = text_sentences(doc.text)
    by_sentence: dict[tuple[int, int], list[Mention]] = {}
    for m in sorted(usable, key=lambda m: m.start):
        span = enclosing(sents, m.start, m.end)
        if span is None:
            logger.debug("%s: date %r at %d is in no sentence", doc.id, m.text, m.start)
            continue
        by_sentence.setdefault(span, []).append(m)
    events, sentence_mentions = [], []
    for (s, e), found in sorted(by_sentence.items()):
        best = min(found, key=lambda m: _SPECIFICITY.get(m.attrs["precision"], 9))
        sentence = Mention(
            mention_id(doc.id, "event", s, e),
            doc.id,
            s,
            e,
            "event",
            EVENT_EXTRACTOR,
            doc.text[s:e],
            {
                "date": best.attrs["value"],
                "precision": best.attrs["precision"],
                "date_mention_ids": [m.id for m in found],
                "other_dates": [m.attrs["value"] for m in found if m is not best],
            },
        )
        sentence_mentions.append(sentence)
        events.append(
            Event(
                sentence.id,
                doc.id,
                best.attrs["value"],
                best.attrs["precision"],
                event_summary(doc.text[s:e], settings.what_max_chars),
                (best.id, sentence.id),
            )
        )
    return events, sentence_mentions


def _candidates(text: str) -> list[tuple[int, int, str, dict[str, str]]]:
    """Every pattern match as ``(start, end, kind, groups)``, context checks applied."""
    found: list[tuple[int, int, str, dict[str, str]]] = []

    def add(match: re.Match[str], kind: str, start: int | None = None, end: int | None = None, **extra: str) -> None:
        fields = {k: v for k, v in match.groupdict().items() if v} | extra
        found.append((match.start() if start is None else start, match.end() if end is None else end, kind, fields))

    for pattern in (_ISO_DATE, _MONTH_DAY, _DAY_MONTH):
        for m in pattern.finditer(text):
            valid = 1 <= int(m["day"] or 1) <= 31 and 1 <= month_number(m["month"]) <= 12
            if valid and _starts_word(text, m.start(), ",."):
                # "Tuesday, June 6" is one date: the weekday joins the span.
                weekday = _WEEKDAY_BEFORE.search(text, max(0, m.start() - 12), m.start())
                add(m, "md" if m["day"] else "month", weekday.start() if weekday else m.start())
    for pattern, kind in ((_MONTH_YEAR, "month"), (_SEASON_YEAR, "season")):
        for m in pattern.finditer(text):
            if _starts_word(text, m.start()):
                add(m, kind)
    month_ends = {e for _, e, kind, _ in found if kind in ("md", "month")}
    for m in _BARE_MONTH.finditer(text):
        if not _starts_word(text, m.start()):
            continue
        if m["month"] in _NAME_MONTHS and _CAPITAL_WORD_NEXT.match(text, m.end()):
            continue
        # A month name alone is a date after a preposition ("in April") or when it
        # continues a list or range of dates ("between April and June").
        words = _prev_words(text, m.start())
        link = _LINK.search(text, max(0, m.start() - 12), m.start())
        if (words and words[-1] in _MONTH_CUES) or (link is not None and link.start() in month_ends):
            add(m, "month")
            month_ends.add(m.end())
    for m in _BARE_SEASON.finditer(text):
        words = _prev_words(text, m.start())
        # "in the summer", "during early winter"; "fall" only so ("in the fall"), being a verb too.
        qualified = len(words) == 2 and words[1] in ("the", "early", "late", "mid") and words[0] in _SEASON_CUES
        cued = qualified or (bool(words) and words[-1] in _SEASON_CUES and m["season"].lower() != "fall")
        if cued and _starts_word(text, m.start()):
            add(m, "season")
    for m in _BARE_YEAR.finditer(text):
        if _starts_word(text, m.start(), ",.$£€#/") and _year_context(text, m.start(), m.end()):
            add(m, "year")
    for m in _WEEKDAY_RE.finditer(text):
        if _starts_word(text, m.start()):
            # "last Tuesday" is one date: the direction joins the span.
            direction = _DIRECTION_BEFORE.search(text, max(0, m.start() - 6), m.start())
            if direction:
                add(m, "weekday", direction.start(), dir=direction["dir"])
            else:
                add(m, "weekday")
    for m in _RELATIVE.finditer(text):
        word, unit = m["word"].lower(), (m["unit"] or "").lower()
        if not _starts_word(text, m.start()):
            continue
        if word in _DAY_WORDS or (word, unit) == ("last", "night"):
            if m["word"][0].isupper() and unit != "night" and not _sentence_initial(text, m.start()):
                continue  # "USA Today", "Russia Today" are outlets, not dates
            end = m.end() if unit == "night" else m.end("word")
            found.append((m.start(), end, "relative", {"day": text[m.start() : end]}))
        elif unit and unit != "night" and _prev_words(text, m.start())[-1:] != ["the"]:
            # "the last year" is a range, found below
            found.append((m.start(), m.end(), "relative", {"dir": word, "unit": unit}))
    for m in _AGO.finditer(text):
        before = _AGO_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if before and _starts_word(text, m.start()):
            add(before, "ago", end=m.end())
    for m in _PAST_RANGE.finditer(text):
        if _starts_word(text, m.start()) and (m["n"] or not m["span"].lower().endswith("s")):
            add(m, "past", m.start("span"), m.end("span"))  # "the past months" is vague: skipped
    return found


def _select(found: list[tuple[int, int, str, dict[str, str]]]) -> list[tuple[int, int, str, dict[str, str]]]:
    """Keep the longest candidate where candidates overlap, earliest first."""
    kept: list[tuple[int, int, str, dict[str, str]]] = []
    for cand in sorted(found, key=lambda c: (c[0], -c[1])):
        if not kept or cand[0] >= kept[-1][1]:
            kept.append(cand)
    return kept


def _noisy(doc: Document, start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies in noise that is not the report's own text."""
    span = doc.in_noise(start, end)
    return span is not None and span.kind not in OWN_TEXT_NOISE_KINDS


def _prev_words(text: str, start: int) -> list[str]:
    """The one or two words just before ``start`` on its line, lower-cased."""
    m = _PREV_WORDS.search(text, max(0, start - 30), start)
    return [w.lower() for w in (m.groups() if m else ()) if w]


def _year_context(text: str, start: int, end: int) -> bool:
    """Whether a four-digit number in the year range is used as a year, not a count."""
    words = _prev_words(text, start)
    if words and (words[-1] in _QUANTITY_WORDS or words[-2:] == ["up", "to"]):
        return False
    if words and words[-1] in _YEAR_CUES:
        return True
    return _LOWER_WORD_NEXT.match(text, end, end + 2) is None  # "2000 people" is a count


def _starts_word(text: str, start: int, also: str = "") -> bool:
    """Whether ``start`` begins a word: not after a letter, digit, or one of ``also``."""
    if start == 0:
        return True
    before = text[start - 1]
    return not (before.isalnum() or before == "_" or before in also)


def _sentence_initial(text: str, start: int) -> bool:
    """Whether ``start`` begins a line or follows sentence-ending punctuation."""
    before = text[max(0, start - 3) : start].rstrip(" \"'“‘")
    return not before or before[-1] in ".!?\n"


def event_summary(sentence: str, max_chars: int = WHAT_MAX_CHARS) -> str:
    """The sentence on one line, cut at a word boundary to ``max_chars`` (an event's ``what``)."""
    flat = " ".join(normalized(sentence).split())
    if len(flat) <= max_chars:
        return flat
    cut = flat.rfind(" ", 0, max_chars - 1)
    return flat[: cut if cut > 0 else max_chars - 1].rstrip(" ,;:") + "…"
