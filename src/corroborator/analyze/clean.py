"""Mark the parts of a scraped report that are not its body, and lift its metadata.

Scraped news text keeps the page furniture around the story: photo captions and
credits, pull quotes, "related article" teasers, calls to action, copyright footers,
bylines and datelines. :func:`clean` marks each such *line* with a :class:`NoiseSpan`
(never deleting anything, so every offset still points into the raw text) and lifts
the title, author, publish date and outlet it can read off those lines.

The rules are line-based and work on a same-length normalised view of the text
(:func:`corroborator.text.normalized`), so non-breaking spaces never hide a match.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from corroborator.model import NoiseSpan
from corroborator.settings import DEFAULTS, CleanSettings
from corroborator.text import normalized

logger = logging.getLogger(__name__)

__all__ = ["Cleaned", "clean"]

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH}),?\s+(\d{{4}})\b", re.I)
_DATE_MDY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_MY = re.compile(rf"\b({_MONTH})\s+(\d{{4}})\b", re.I)
_TIME = re.compile(
    r"T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?|\b\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?\b", re.I
)
# Words a dateline carries besides the date itself ("UPDATED", "PM", "GMT", weekdays).
_DATELINE_FILLER = frozenset(
    "published updated posted last modified on at am pm gmt utc bst est edt cet cest msk aest aedt "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun".split()
)
_WORD = re.compile(r"\w+")
# A quoted stretch: an opening double quote up to its closing one (or the line's end).
_QUOTED = re.compile(r"[“\"][^“”\"\n]*[”\"]?")
_CLOSERS = "\"'”’)]*_ "

# Photo credits: "Photo credit should read ...", "AFP PHOTO / ...", "(Getty)", "Image: ...".
_CREDIT_ANYWHERE = re.compile(r"photo\s*credit|\b(?:AFP|AP|EPA|REUTERS|XINHUA|ANP)\s+PHOTO\b|getty\s+images", re.I)
_CREDIT_START = re.compile(r"(?:photo(?:graph)?|image|picture|credit)s?\s*:", re.I)
_CREDIT_END = re.compile(
    r"\((?:[^()]*[/:]\s*)?(?:getty|reuters|afp|ap|epa|shutterstock|alamy|pa\s+images)\)"
    r"|\((?:photo|image|picture|credit)s?\s*:[^()]*\)",
    re.I,
)
# Calls to action and reader notices; anchored at the line start, where pages put them.
_CTA = re.compile(
    r"^(?:(?:check\s+out|watch|see|listen\s+to|read|click|tap|view)\s+(?:the|this|our|a|an|it|more|his|her|their)\b"
    r".{0,200}?\b(?:below|above|here|link|video|podcast)\b"
    r"|(?:follow|join)\s+us\b|(?:subscribe|sign\s+up)\s+(?:to|for|now|here)\b|click\s+here\b"
    r"|if\s+you\s+(?:want|would\s+like|wish|are\s+able)\s+to\b"
    r"|for\s+those\s+(?:who\s+)?(?:want|wish|would\s+like|wanting)\s+to\b"
    r"|you\s+can\s+(?:\S+\s+){0,12}?(?:here|below|above|via|online|at\s+\S+\.(?:com|org|net)\b)"
    r"|(?:content|trigger)\s+warning\b|warning\s*:\s*this\s+(?:story|article|video|report|piece)\b)",
    re.I,
)
_RELATED = re.compile(r"^(?:related|read\s+more|see\s+also|also\s+read|more\s+on\s+this|recommended)\s*[:|»>-]", re.I)
_FOOTER_START = re.compile(
    r"©|\(c\)\s|copyright\b|\d+\s+comments?\b|share\s+this\b|terms\s+of\s+use\b|privacy\s+policy\b", re.I
)
_FOOTER_ANYWHERE = re.compile(r"all\s+rights\s+reserved|(?:sign|log)\s+in\s+to\s+(?:comment|reply)", re.I)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(.*)$", re.I)
_RIGHTS = re.compile(r"[.,|]?\s*all\s+rights\s+reserved.*$", re.I)
_BY = re.compile(r"by\s+", re.I)
_BY_SEPARATOR = re.compile(r"\s*[,|•·–—]\s*|\s+-\s+")
_NAME_PARTICLES = frozenset("van von de da del der den di du al el bin ibn le la and".split())


@dataclass(frozen=True)
class Cleaned:
    """What :func:`clean` found: noise spans over whole lines, and lifted metadata."""

    noise: tuple[NoiseSpan, ...]
    title: str | None
    author: str | None
    published: str | None
    outlet: str | None


@dataclass
class _Line:
    """One line of the text: raw offsets plus its normalised, stripped content."""

    start: int
    end: int
    text: str
    words: int
    kind: str | None = None

    @property
    def blank(self) -> bool:
        """True for an empty or white-space-only line."""
        return not self.text


def clean(text: str, *, media_type: str = "text/plain", settings: CleanSettings = DEFAULTS.clean) -> Cleaned:
    """Mark the noise lines of a report and lift its title, author, date and outlet.

    Args:
        text: The document text, exactly as stored in ``Document.text``. HTML must
            already be extracted to text (ingest runs trafilatura); the same line rules
            apply to every media type.
        media_type: The document's media type, used only for logging.
        settings: Line lengths and overlaps that decide what is noise.

    Returns:
        A :class:`Cleaned` whose ``noise`` spans cover whole lines of ``text`` (without
        the line break), sorted and non-overlapping, with kinds from
        ``model.NOISE_KINDS``; ``published`` is an ISO date ("YYYY-MM-DD", or
        "YYYY-MM" when only the month is stated) read from a dateline line.
    """
    lines = _split_lines(text)
    body = [i for i, line in enumerate(lines) if not line.blank]
    if not body:
        return Cleaned(noise=(), title=None, author=None, published=None, outlet=None)
    published = _mark_line_rules(lines)
    author = _mark_header(lines, body, settings)
    title = _mark_headline(lines, body, settings)
    _mark_teasers(lines, settings)
    _mark_pull_quotes(lines, settings)
    _mark_bare_captions(lines, body, settings)
    outlets = (_outlet(line.text) for line in lines if line.kind == "footer")
    outlet = next((name for name in outlets if name), None)
    noise = tuple(NoiseSpan(line.start, line.end, line.kind) for line in lines if line.kind)
    logger.debug("clean(%s): %d noise lines of %d", media_type, len(noise), len(body))
    return Cleaned(noise=noise, title=title, author=author, published=published, outlet=outlet)


def _split_lines(text: str) -> list[_Line]:
    """Every line of ``text`` with its offsets (excluding ``\\n`` and a trailing ``\\r``)."""
    view = normalized(text)
    lines = []
    start = 0
    for raw in view.split("\n"):
        end = start + len(raw)
        stop = end - 1 if raw.endswith("\r") else end
        content = " ".join(raw.split())
        lines.append(_Line(start, stop, content, len(content.split())))
        start = end + 1
    return lines


def _mark_line_rules(lines: list[_Line]) -> str | None:
    """Mark lines recognisable on their own; return the first dateline's date."""
    published = None
    for line in lines:
        if line.blank:
            continue
        s = line.text
        if line.words <= 30 and _is_footer(s):
            line.kind = "footer"
        elif line.words <= 300 and _is_credit(s):  # a whole report on one line is no caption
            line.kind = "caption"
        elif _RELATED.match(s):
            line.kind = "teaser"
        elif _CTA.match(s) and line.words <= 80:
            line.kind = "call_to_action"
        else:
            date = _dateline_date(s) if line.words <= 16 else None
            if date:
                line.kind = "dateline"
                published = published or date
    return published


def _mark_header(lines: list[_Line], body: list[int], settings: CleanSettings) -> str | None:
    """Mark the byline beside a dateline and display quotes above them; return the author.

    Bylines and display quotes are looked for among the first ``header_lines`` lines only.
    """
    header = body[:settings.header_lines]
    author = None
    for pos, i in enumerate(header):
        line = lines[i]
        by = _BY.match(line.text)
        # "By Jane Doe, Reuters": the name is what precedes the outlet.
        name = _BY_SEPARATOR.split(line.text[by.end() :])[0] if by else line.text
        if line.kind or not _name_like(name):
            continue
        neighbours = [lines[j] for j in header[max(pos - 1, 0) : pos + 2] if j != i]
        if by or any(n.kind == "dateline" for n in neighbours):
            line.kind = "byline"
            author = author or name
    stops = [i for i in header if lines[i].kind in ("byline", "dateline")]
    if stops:
        # Above the byline/dateline block sits display text; a bare quote there is a pull quote.
        for i in header:
            if i >= stops[0]:
                break
            if not lines[i].kind and _quote_dominated(lines[i].text):
                lines[i].kind = "pull_quote"
    return author


def _mark_headline(lines: list[_Line], body: list[int], settings: CleanSettings) -> str | None:
    """Mark the first line as headline when it is title-like and stands apart; return it."""
    first = lines[body[0]]
    if first.kind or not _title_like(first.text, settings):
        return None
    after = lines[body[0] + 1] if body[0] + 1 < len(lines) else None
    if after is not None and not after.blank and after.kind not in ("byline", "dateline"):
        return None
    first.kind = "headline"
    return first.text


def _mark_teasers(lines: list[_Line], settings: CleanSettings) -> None:
    """Mark "related article" teasers: a headline-like line and its one-line standfirst."""
    free = [line for line in lines if not line.blank]
    adjacent = sum(1 for a, b in zip(lines, lines[1:]) if not a.blank and not b.blank)
    # Where paragraphs are split by blank lines, two glued lines are page furniture.
    blank_separated = adjacent * 2 <= len(free)
    pairs: list[int] = []
    i = 0
    while i + 1 < len(lines):
        head, stand = lines[i], lines[i + 1]
        before = lines[i - 1] if i else None
        after = lines[i + 2] if i + 2 < len(lines) else None
        if (
            not head.kind
            and not head.blank
            and not stand.kind
            and not stand.blank
            and _title_like(head.text, settings)
            and stand.words <= settings.max_standfirst_words
            and (not blank_separated or _stands_apart(before, after, bool(pairs) and pairs[-1] == i - 2, settings))
        ):
            pairs.append(i)
            i += 2
        else:
            i += 1
    if not blank_separated:
        # Glued lines are normal here: keep quote standfirsts and a run that closes the text.
        closing = _closing_run(lines, pairs)
        pairs = [p for p in pairs if _quote_dominated(lines[p + 1].text) or p in closing]
    for p in pairs:
        lines[p].kind = lines[p + 1].kind = "teaser"


def _stands_apart(before: _Line | None, after: _Line | None, follows_pair: bool, settings: CleanSettings) -> bool:
    """True when a glued pair is set off from the paragraphs around it (or continues a run)."""
    apart_before = before is None or before.blank or before.kind is not None or follows_pair
    return apart_before and (
        after is None or after.blank or after.kind is not None or _title_like(after.text, settings))


def _closing_run(lines: list[_Line], pairs: list[int]) -> set[int]:
    """The pairs (two or more) that follow each other up to the end of the text."""
    run: set[int] = set()
    end = len(lines)
    for p in reversed(pairs):
        if any(not line.blank and not line.kind for line in lines[p + 2 : end]):
            break
        run.add(p)
        end = p
    return run if len(run) > 1 else set()


def _mark_pull_quotes(lines: list[_Line], settings: CleanSettings) -> None:
    """Mark lines whose quoted words repeat, almost word for word, another body line.

    Shorter repeats than ``min_quoted_words`` are ordinary re-use of a phrase, not pull quotes.
    """
    candidates = [i for i, line in enumerate(lines) if not line.blank and not line.kind]
    probes: dict[int, set[tuple[str, ...]]] = {}
    for i in candidates:
        if lines[i].words <= settings.max_pull_quote_words:
            quoted = " ".join(_QUOTED.findall(lines[i].text)) or lines[i].text
            words = _WORD.findall(quoted.lower())
            if len(words) >= settings.min_quoted_words:
                probes[i] = _shingles(words, settings.shingle_words)
    if not probes:
        return
    index: dict[tuple[str, ...], list[int]] = {}
    for i in candidates:
        for g in _shingles(_WORD.findall(lines[i].text.lower()), settings.shingle_words):
            index.setdefault(g, []).append(i)
    edges: dict[int, int] = {}
    for i, mine in probes.items():
        # Counted in C; each line is in a shingle's list once, so a count is the shared shingles.
        hits = Counter(chain.from_iterable(index.get(g, ()) for g in mine))
        hits.pop(i, None)
        if hits:
            j, n = hits.most_common(1)[0]
            if n >= settings.containment * len(mine):
                edges[i] = j
    for i, j in edges.items():
        if lines[j].kind or lines[i].kind:
            continue
        if edges.get(j) == i and (lines[j].words, -j) < (lines[i].words, -i):
            continue  # both repeat each other: the shorter line (or the later one) is the copy
        lines[i].kind = "pull_quote"


def _mark_bare_captions(lines: list[_Line], body: list[int], settings: CleanSettings) -> None:
    """Mark short lines without final punctuation standing alone between blank lines.

    A bare caption names a scene in at most ``max_caption_words``; a body sentence runs longer.
    """
    for i in body[1:]:
        line = lines[i]
        if line.kind or line.words > settings.max_caption_words or not _title_like(line.text, settings):
            continue
        before = lines[i - 1]
        after = lines[i + 1] if i + 1 < len(lines) else None
        if before.blank and (after is None or after.blank) and not line.text.endswith(("?", "!")):
            line.kind = "caption"


def _is_footer(s: str) -> bool:
    """True for a copyright, comments or site-links line."""
    if _FOOTER_START.match(s):
        return True
    low = s.lower()  # substring tests first: a case-blind regex search is slow on every line
    return ("reserved" in low or " to comment" in low or " to reply" in low) and bool(_FOOTER_ANYWHERE.search(s))


def _is_credit(s: str) -> bool:
    """True for a photo caption or credit line."""
    low = s.lower()
    if _CREDIT_START.match(s) or (("photo" in low or "getty" in low) and _CREDIT_ANYWHERE.search(s)):
        return True
    # A credit in brackets closes the line: "... (Getty)", "(Photo: Jane Roe/Reuters)".
    return s.endswith(")") and bool(_CREDIT_END.fullmatch(s, s.rfind("(")))


def _title_like(s: str, settings: CleanSettings) -> bool:
    """A headline-form line: short, no sentence-final period, not a bare quote."""
    words = s.split()
    if not 3 <= len(words) <= settings.max_title_words or _quote_dominated(s):
        return False
    tail = s.rstrip(_CLOSERS)
    return bool(tail) and tail[-1] not in ".,;:…" and (s[0].isupper() or s[0].isdigit() or s[0] in "“\"‘'")


def _quote_dominated(s: str) -> bool:
    """True when the line opens with a quote mark and the quotation fills most of it."""
    if not s or s[0] not in "“\"":
        return False
    return sum(len(q) for q in _QUOTED.findall(s)) >= 0.7 * len(s)


def _name_like(s: str) -> bool:
    """True for a bare person's name ("Michaela Morgan", "Jane van Dyke")."""
    words = s.split()
    if not 2 <= len(words) <= 6 or any(ch.isdigit() for ch in s):
        return False
    capitalised = 0
    for w in words:
        if w.lower() in _NAME_PARTICLES:
            continue
        if not (w[0].isupper() and all(ch.isalpha() or ch in "'’.-" for ch in w)):
            return False
        capitalised += 1
    return capitalised >= 2 and words[-1].lower() not in _NAME_PARTICLES


def _dateline_date(s: str) -> str | None:
    """The ISO date of a line that holds nothing but dates, times and dateline words."""
    found: list[tuple[int, str]] = []
    rest = s
    for pattern, order in ((_DATE_ISO, "ymd"), (_DATE_DMY, "dmy"), (_DATE_MDY, "mdy"), (_DATE_MY, "my")):
        for m in pattern.finditer(rest):
            parts = dict(zip(order, m.groups()))
            month = int(parts["m"]) if parts["m"].isdigit() else _MONTHS.get(parts["m"][:3].lower())
            if not month or not 1 <= month <= 12:
                continue
            iso = f"{int(parts['y']):04d}-{month:02d}"
            if "d" in parts:
                day = int(parts["d"])
                if not 1 <= day <= 31:
                    continue
                iso += f"-{day:02d}"
            found.append((m.start(), iso))
        rest = pattern.sub(lambda m: " " * len(m.group()), rest)  # keep positions for ordering
    if not found:
        return None
    leftover = [w for w in _WORD.findall(_TIME.sub(" ", rest).lower()) if w not in _DATELINE_FILLER]
    if len(leftover) > 2:
        return None
    return min(found)[1]


def _outlet(s: str) -> str | None:
    """The outlet named in a copyright line ("© 2017 GCN. All rights reserved." -> "GCN")."""
    m = _COPYRIGHT.match(s)
    if not m:
        return None
    name = _RIGHTS.sub("", m.group(1)).strip(" .,|-–")
    return name or None


def _shingles(words: list[str], n: int) -> set[tuple[str, ...]]:
    """Word n-grams of ``words`` (the whole list when it is shorter than one n-gram)."""
    if len(words) < n:
        return {tuple(words)} if words else set()
    return set(zip(*(words[k:] for k in range(n))))
