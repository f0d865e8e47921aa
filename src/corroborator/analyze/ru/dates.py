"""Russian date mentions normalised against the publish date, and the dated events they anchor.

The same contract as :mod:`corroborator.analyze.dates`: mentions of kind ``"date"``
with ``attrs`` ``value``, ``precision`` (day, month, season, year, range),
``resolved_by``/``reference`` for dates read against the reference, ``end_value`` for
ranges, ``in_noise``; a date that cannot be placed in time has ``value`` None,
``attrs["unresolved"]`` and ``attrs["partial"]``. Normalisation is shared with English
(:mod:`corroborator.analyze._dateresolve`), so "вчера" and "yesterday" resolve alike;
full calendar dates ("12 апреля 2017 года", "12.04.2017") are parsed by dateparser in
Russian (``languages=["ru"]``), which also reads the publish date of a Russian header
(:func:`header_published`).

Phrases found (spans never start with a preposition: "в апреле 2017 года" gives
"апреле 2017 года"; "года"/"г." belongs to the date):

- day: "12 апреля 2017 года", "12 апреля" (yearless: the latest not after the reference,
  the first not yet over in future context), "12.04.2017"; a span of days in one month
  ("1-5 апреля", "с 1 по 5 апреля") is a ``range`` from the first day to the last;
- month: "апреле 2017 года", "апреля 2017", "в апреле" (a bare month needs a preposition
  or "начале/конце/середине" before it);
- season: "весной 2017 года", "весной" after nothing else; year: "2017 году", "2017 года",
  "в 2017-м", "в 2017";
- relative: "вчера", "сегодня", "завтра", "позавчера"; "в прошлом/этом/следующем месяце/году",
  "на прошлой/этой/следующей неделе", "прошлым летом"; weekdays ("в понедельник",
  "в прошлую пятницу"); "три дня назад", "две недели назад", "месяц назад";
  "за последние три месяца", "за последний год" (ranges ending at the reference).

The reference is ``doc.published``, else a case reference, else the latest full year in
the text; without a day reference "вчера" stays unresolved.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from corroborator.analyze._dateresolve import resolve
from corroborator.analyze._shared import text_sentences
from corroborator.analyze.dates import event_summary, resolve_dates
from corroborator.analyze.ru._numbers import word_value
from corroborator.model import Document, Event, Mention, NoiseSpan, mention_id
from corroborator.settings import DEFAULTS, DateSettings
from corroborator.text import enclosing

logger = logging.getLogger(__name__)

EXTRACTOR = "dates.rules.v1"
EVENT_EXTRACTOR = "events.rules.v1"

_MONTH_STEMS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр",
                "декабр")
_MONTH = (r"(?P<month>январ[ьяею]|феврал[ьяею]|март[ае]?|апрел[ьяею]|ма[йяею]|июн[ьяею]|июл[ьяею]"
          r"|август[ае]?|сентябр[ьяею]|октябр[ьяею]|ноябр[ьяею]|декабр[ьяею])(?![а-яё])")
_YEAR_WORD = r"(?:\s*(?:года|году|год|г\.)(?![а-яё])|-?(?:го|м|й)(?![а-яё]))?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_DAY = r"(?P<day>[0-3]?\d)(?!\d)"

_FLAGS = re.IGNORECASE
_DAY_MONTH = re.compile(rf"(?<![\d.]){_DAY}(?:-?(?:го|е))?\s+{_MONTH}(?:\s+{_YEAR}{_YEAR_WORD})?", _FLAGS)
_DAY_RANGE = re.compile(rf"(?<![\d.]){_DAY}\s*(?:[-–—]|\s+по\s+)\s*(?P<last>[0-3]?\d)\s+{_MONTH}"
                        rf"(?:\s+{_YEAR}{_YEAR_WORD})?", _FLAGS)
_NUMERIC = re.compile(r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]\d)\.(?P<year>(?:19|20)\d\d)(?![\d.]\d)")
_MONTH_YEAR = re.compile(rf"(?<![а-яё]){_MONTH}\s+{_YEAR}{_YEAR_WORD}", _FLAGS)
_BARE_MONTH = re.compile(rf"(?<![а-яё]){_MONTH}", _FLAGS)
_SEASONS = {"весн": "spring", "лет": "summer", "осен": "autumn", "зим": "winter"}
_SEASON = r"(?P<season>весн(?:ой|а|у|е)|лет(?:ом|о|а)|осень|осенью|осени|зим(?:ой|а|у|е))"
_SEASON_YEAR = re.compile(rf"(?<![а-яё]){_SEASON}\s+{_YEAR}{_YEAR_WORD}", _FLAGS)
_BARE_YEAR = re.compile(rf"(?<![\d.,]){_YEAR}(?!-[хеx](?![а-яё]))(?P<word>{_YEAR_WORD})", _FLAGS)
_DAY_WORDS = {"вчера": "yesterday", "сегодня": "today", "завтра": "tomorrow"}
_DAY_WORD = re.compile(r"(?<![а-яё])(?P<word>вчера|сегодня|завтра)(?![а-яё])", _FLAGS)
_DAY_BEFORE_YESTERDAY = re.compile(r"(?<![а-яё])позавчера(?![а-яё])", _FLAGS)
_DIRECTIONS = {"прошл": "last", "прошедш": "last", "эт": "this", "текущ": "this", "нынешн": "this",
               "следующ": "next", "будущ": "next", "предыдущ": "last"}
_DIR = r"(?P<dir>прошл|прошедш|эт|текущ|нынешн|следующ|будущ|предыдущ)[а-я]{0,3}"
_UNITS = {"недел": "week", "месяц": "month", "год": "year", "весн": "spring", "лет": "summer",
          "осен": "autumn", "зим": "winter"}
_RELATIVE = re.compile(rf"(?<![а-яё]){_DIR}\s+(?P<unit>недел|месяц|год|весн|лет|осен|зим)[а-я]{{0,3}}(?![а-яё])",
                       _FLAGS)
_WEEKDAYS = {"понедельник": "Monday", "вторник": "Tuesday", "сред": "Wednesday", "четверг": "Thursday",
             "пятниц": "Friday", "суббот": "Saturday", "воскресень": "Sunday"}
_WEEKDAY = re.compile(
    r"(?<![а-яё])(?:во?\s+)(?:(?P<dir>прошл|прошедш|эт|следующ)[а-я]{0,3}\s+)?"
    r"(?P<weekday>понедельник|вторник|сред|четверг|пятниц|суббот|воскресень)[а-я]{0,2}(?![а-яё])", _FLAGS)
_WEEKDAY_BEFORE = re.compile(r"(?<![а-яё])(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье),?\s+$",
                             _FLAGS)
_NUM_WORD = r"(?P<n>\d{1,3}|[а-яё]+)"
_AGO_UNITS = {"дн": "day", "ден": "day", "сут": "day", "недел": "week", "месяц": "month", "год": "year", "лет": "year"}
_AGO = re.compile(rf"(?<![а-яё])(?:{_NUM_WORD}\s+)?(?P<unit>дн|ден|сут|недел|месяц|год|лет)[а-я]{{0,4}}\s+назад"
                  r"(?![а-яё])", _FLAGS)
_PAST = re.compile(rf"(?<![а-яё])за\s+(?P<span>(?:последн|прошедш|минувш)[а-я]{{0,3}}\s+(?:{_NUM_WORD}\s+)?"
                   r"(?P<unit>дн|ден|сут|недел|месяц|год|лет)[а-я]{0,4})(?![а-яё])", _FLAGS)
_MONTH_CUES = frozenset("в во с со до к по на начале конце середине течение около после между и или "
                        "начала конца середины началу концу середину".split())
_FUTURE = re.compile(r"(?<![а-яё])(?:будет|будут|буду|планиру[а-я]+|намерен[а-я]*|собира[а-я]+|состоится"
                     r"|пройд[её]т|пройдут|ожида[а-я]+ся|предстоит|назначен[а-я]*)(?![а-яё])", _FLAGS)
_PREV_WORD = re.compile(r"([а-яё]+)[\s,]*$", _FLAGS)
_SPECIFICITY = {"day": 0, "month": 1, "season": 2, "range": 3, "year": 4}
_HEADER_LINES = 6
_HEADER_DATE = re.compile(
    rf"^\s*(?:(?:опубликовано|обновлено|дата публикации)[:\s]*)?(?:\d{{1,2}}:\d{{2}}[,\s]+)?"
    rf"(?P<date>{_DAY}\s+{_MONTH}\s+{_YEAR}"
    r"|\d{1,2}\.\d{2}\.(?:19|20)\d\d)(?:\s*(?:года|г\.))?(?:[,\s]+(?:в\s+)?\d{1,2}[:.]\d{2}(?:\s*(?:мск|msk))?)?\s*$",
    _FLAGS)


def month_of(word: str) -> int:
    """Month number of a Russian month name in any case ("апреля" -> 4)."""
    low = word.lower()
    for number, stem in enumerate(_MONTH_STEMS, 1):
        if low.startswith(stem) and (stem != "ма" or low[:3] in ("май", "мая", "мае", "маю")):
            if stem == "март" or not low.startswith("март"):
                return number
    raise ValueError(f"not a Russian month: {word!r}")


def parse_full_date(phrase: str) -> str | None:
    """A full Russian calendar date ("12 апреля 2017 года", "12.04.2017") as YYYY-MM-DD, by dateparser."""
    from dateparser import parse  # heavy optional dependency

    cleaned = re.sub(r"\s*(?:года|году|г\.)\s*$", "", phrase.strip(), flags=_FLAGS)
    parsed = parse(cleaned, languages=["ru"], settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True,
                                                        "REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date().isoformat() if parsed else None


def header_published(text: str) -> tuple[str, NoiseSpan] | None:
    """The publish date a Russian header line states ("12 апреля 2017, 14:30", "12.04.2017").

    Only a line among the first few non-blank ones that holds nothing but the date (and
    a time) counts, so a date in the story is never taken for the publish date.

    Returns:
        ``(YYYY-MM-DD, dateline noise span)`` or None.
    """
    start, seen = 0, 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            seen += 1
            found = _HEADER_DATE.match(line)
            if found:
                value = parse_full_date(found["date"])
                if value:
                    return value, NoiseSpan(start, end, "dateline")
            if seen >= _HEADER_LINES:
                return None
        start = end + 1
    return None


def extract_dates_ru(doc: Document, *, case_reference: str | None = None,
                     settings: DateSettings = DEFAULTS.dates) -> list[Mention]:
    """Find the date expressions of a Russian report and normalise them.

    Args:
        doc: The report; ``doc.published`` (ISO date or None) is the reference date.
        case_reference: A case-level ISO date used only when the report has no publish date.
        settings: ``future_grace_days`` as in English.

    Returns:
        Mentions of kind ``"date"`` in text order, ``attrs`` as in
        :func:`corroborator.analyze.dates.extract_dates`.
    """
    return resolve_dates(doc, _select(_candidates(doc.text)), future=_FUTURE, resolver=_resolve,
                         case_reference=case_reference, settings=settings)


def _resolve(kind: str, fields: dict[str, str], ref: Any, future: bool, anchor_year: int | None, grace: int,
             phrase: str) -> dict[str, Any] | None:
    """Shared normalisation; a full calendar date is checked by dateparser."""
    if kind == "dayrange":
        first = resolve("md", fields, ref, future, anchor_year, grace)
        last = resolve("md", {**fields, "day": fields["last"]}, ref, future, anchor_year, grace)
        if first is None or last is None:
            return None
        first["precision"] = "range"
        if first["value"] is not None and last["value"] is not None:
            first["end_value"] = last["value"]
        elif first["value"] is None:
            first["partial"] = f"{first['partial']}/{last['partial']}"
        return first
    if kind == "md" and fields.get("year"):
        value = parse_full_date(phrase)
        if value is None:
            return None
        return {"value": value, "precision": "day", "resolved_by": "explicit"}
    return resolve(kind, fields, ref, future, anchor_year, grace)


def _candidates(text: str) -> list[tuple[int, int, str, dict[str, str]]]:
    """Every pattern match as ``(start, end, kind, fields)`` with English field values."""
    found: list[tuple[int, int, str, dict[str, str]]] = []

    def add(m: re.Match[str], kind: str, start: int | None = None, end: int | None = None, **fields: str) -> None:
        """Record one candidate."""
        found.append((m.start() if start is None else start, m.end() if end is None else end, kind, fields))

    for m in _DAY_MONTH.finditer(text):
        if 1 <= int(m["day"]) <= 31:
            # "во вторник, 23 мая" is one date: the weekday joins the span.
            weekday = _WEEKDAY_BEFORE.search(text, max(0, m.start() - 16), m.start())
            add(m, "md", weekday.start() if weekday else None, day=m["day"], month=str(month_of(m["month"])),
                **_year(m))
    for m in _DAY_RANGE.finditer(text):
        if 1 <= int(m["day"]) < int(m["last"]) <= 31:
            add(m, "dayrange", day=m["day"], last=m["last"], month=str(month_of(m["month"])), **_year(m))
    for m in _NUMERIC.finditer(text):
        if 1 <= int(m["day"]) <= 31 and 1 <= int(m["month"]) <= 12:
            add(m, "md", day=m["day"], month=str(int(m["month"])), year=m["year"])
    for m in _MONTH_YEAR.finditer(text):
        add(m, "month", month=str(month_of(m["month"])), year=m["year"])
    for m in _SEASON_YEAR.finditer(text):
        add(m, "season", season=_SEASONS[_stem(m["season"], _SEASONS)], year=m["year"])
    for m in _BARE_MONTH.finditer(text):
        # "в апреле", "в конце марта"; "мае" is a month anywhere, "май"/"мая" only after a cue.
        if _prev_word(text, m.start()) in _MONTH_CUES or m["month"].lower() in ("мае", "маю"):
            add(m, "month", month=str(month_of(m["month"])))
    for m in _BARE_YEAR.finditer(text):
        if m["word"] or _prev_word(text, m.start()) in ("в", "во", "с", "до", "к", "по", "году", "года", "между", "и"):
            add(m, "year", year=m["year"])
    for m in _DAY_WORD.finditer(text):
        add(m, "relative", day=_DAY_WORDS[m["word"].lower()])
    for m in _DAY_BEFORE_YESTERDAY.finditer(text):
        add(m, "ago", n="2", unit="day")
    for m in _RELATIVE.finditer(text):
        add(m, "relative", dir=_DIRECTIONS[m["dir"].lower()], unit=_UNITS[m["unit"].lower()])
    for m in _WEEKDAY.finditer(text):
        start = m.start("dir") if m["dir"] else m.start("weekday")
        fields = {"weekday": _WEEKDAYS[m["weekday"].lower()]}
        if m["dir"]:
            fields["dir"] = _DIRECTIONS[m["dir"].lower()]
        add(m, "weekday", start, **fields)
    for m in _AGO.finditer(text):
        n = _count(m["n"]) if m["n"] else 1
        if n is None:
            if m["n"].lower() not in ("несколько", "пару"):
                add(m, "ago", m.start("unit"), n="1", unit=_AGO_UNITS[m["unit"].lower()])
            continue
        add(m, "ago", n=str(n), unit=_AGO_UNITS[m["unit"].lower()])
    for m in _PAST.finditer(text):
        n = _count(m["n"]) if m["n"] else 1
        if n is not None:
            add(m, "past", m.start("span"), m.end("span"), n=str(n), unit=_AGO_UNITS[m["unit"].lower()])
    return found


def _year(m: re.Match[str]) -> dict[str, str]:
    """The year field of a match, if it has one."""
    return {"year": m["year"]} if m["year"] else {}


def _stem(word: str, table: dict[str, str]) -> str:
    """The key of ``table`` that ``word`` starts with."""
    low = word.lower()
    return next(stem for stem in table if low.startswith(stem))


def _count(word: str) -> int | None:
    """A small count in digits or words ("три", "двух"), or None."""
    value = word_value(word.lower())
    return value if value and value < 1000 else None


def _prev_word(text: str, start: int) -> str:
    """The word just before ``start``, lower-cased ("" at a line start)."""
    m = _PREV_WORD.search(text, max(0, start - 20), start)
    return m.group(1).lower() if m else ""


def _select(found: list[tuple[int, int, str, dict[str, str]]]) -> list[tuple[int, int, str, dict[str, str]]]:
    """Keep the longest candidate where candidates overlap, earliest first."""
    kept: list[tuple[int, int, str, dict[str, str]]] = []
    for cand in sorted(found, key=lambda c: (c[0], -c[1])):
        if not kept or cand[0] >= kept[-1][1]:
            kept.append(cand)
    return kept


def extract_events_ru(doc: Document, dates: Sequence[Mention],
                      settings: DateSettings = DEFAULTS.dates) -> tuple[list[Event], list[Mention]]:
    """The dated statements of a Russian report: one per sentence holding a resolved body date.

    The same rule as :func:`corroborator.analyze.dates.extract_events` (the most
    specific date of the sentence dates it); the sentence splitter is shared.
    """
    usable = [m for m in dates if m.kind == "date" and m.attrs.get("value") and not m.attrs.get("in_noise")]
    by_sentence: dict[tuple[int, int], list[Mention]] = {}
    sents = text_sentences(doc.text) if usable else []
    for m in sorted(usable, key=lambda m: m.start):
        span = enclosing(sents, m.start, m.end)
        if span is not None:
            by_sentence.setdefault(span, []).append(m)
    events, sentence_mentions = [], []
    for (s, e), found in sorted(by_sentence.items()):
        best = min(found, key=lambda m: _SPECIFICITY.get(m.attrs["precision"], 9))
        attrs = {"date": best.attrs["value"], "precision": best.attrs["precision"],
                 "date_mention_ids": [m.id for m in found],
                 "other_dates": [m.attrs["value"] for m in found if m is not best]}
        sentence = Mention(mention_id(doc.id, "event", s, e), doc.id, s, e, "event", EVENT_EXTRACTOR,
                           doc.text[s:e], attrs)
        sentence_mentions.append(sentence)
        events.append(Event(sentence.id, doc.id, best.attrs["value"], best.attrs["precision"],
                            event_summary(doc.text[s:e], settings.what_max_chars), (best.id, sentence.id)))
    return events, sentence_mentions

