"""Who a Russian figure is attributed to: the reporting phrases of a sentence (private to ``figures``).

"по данным X", "по словам X", "по информации X", "согласно X", "как сообщает X",
"X сообщил(и)/заявил/подсчитали" (past an aside: "X, представляющая ..., рассказала"),
", — сообщили в X". A PERSON or ORG entity in the phrase names the source by its
nominative form; else the phrase itself does.
"""

from __future__ import annotations

from dataclasses import dataclass

from corroborator.analyze.ru import _words as w
from corroborator.model import Mention

_PRONOUNS = frozenset("его ее её их он она они мы я вы нас них".split())


@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting phrase: the source tokens ``[src, src_end)``, the cue token at ``at``."""

    at: int
    src: int
    src_end: int


def find_cues(sent: w.Sentence) -> list[Cue]:
    """Every reporting phrase of a sentence: "по данным X", "как сообщает X", "X заявил"."""
    lows, n = sent.lows, len(sent.lows)
    cues = []
    for i, low in enumerate(lows):
        lemmas = w.analysis(low)[0]
        if low == "по" and i + 2 < n and lows[i + 1] in _PRONOUNS and w.analysis(lows[i + 2])[0] & w.CUE_NOUNS:
            cues.append(Cue(i, i + 1, i + 2))  # "по его словам"
        elif (low == "по" and i + 1 < n and w.analysis(lows[i + 1])[0] & w.CUE_NOUNS) or low == "согласно":
            first = i + 2 if low == "по" else i + 1
            if low == "согласно" and first < n and w.analysis(lows[first])[0] & w.CUE_NOUNS:
                first += 1
            cues.append(Cue(i, first, _phrase_end(lows, first)))
        elif lemmas & w.REPORT_VERBS and w.is_finite_verb(low) or low == "сообщается":
            if i and lows[i - 1] in ("как", "—", ",") or (i > 1 and lows[i - 2 : i] == [",", "—"]):
                first = i + 1
                if first < n and lows[first] in ("в", "во"):
                    first += 1  # "сообщили в МВД"
                end = _phrase_end(lows, first)
                if end > first:
                    cues.append(Cue(i, first, end))
                    continue
            end = i
            if i > 1 and lows[i - 1] == ",":
                # "Адвокат Ирина Бирюкова, представляющая интересы ..., рассказала": past the aside
                end = next((k for k in range(i - 2, max(i - 14, 0), -1) if lows[k] == ","), i)
            start = end
            while start > 0 and end - start < 6 and lows[start - 1] not in w.STOP_PUNCT | {",", "—", "что"}:
                start -= 1
            if start < end:
                cues.append(Cue(i, start, end))
    return cues


def _phrase_end(lows: list[str], first: int) -> int:
    """Where a source phrase starting at ``first`` ends: a comma, a stop or a verb."""
    k = first
    while k < len(lows) and k < first + 8 and lows[k] not in w.STOP_PUNCT | {",", "—", "что"}:
        if k > first and w.is_finite_verb(lows[k]):
            break
        k += 1
    return k


def source(sent: w.Sentence, cues: list[Cue], start: int, end: int, sources: list[Mention]
            ) -> tuple[str | None, tuple[int, int] | None]:
    """The nearest reporting phrase of the figure at tokens ``[start, end)``: (name, span)."""
    usable = [c for c in cues if c.src_end <= start or c.src >= end]
    if not usable:
        return None, None
    cue = min(usable, key=lambda c: min(abs(c.src - end), abs(start - c.src_end), abs(c.at - start)))
    a, b = sent.starts[cue.src], sent.ends[cue.src_end - 1]
    named = [m for m in sources if m.start < b and m.end > a and m.attrs.get("label") in ("ORG", "PERSON")]
    named = named or [m for m in sources if m.start < b and m.end > a]
    if named:
        best = named[0]
        return best.attrs.get("lemma") or best.text, (best.start, best.end)
    text = " ".join(sent.raws[cue.src : cue.src_end]).strip("«»\"' ")
    if text.lower() in _PRONOUNS:
        return None, (a, b)  # "по его словам": the source was named before
    return (text or None), (a, b)
