"""Who a figure is attributed to, and when it happened, for :mod:`corroborator.analyze.figures`.

A *cue* is a reporting clause in the figure's sentence: "X reported (that) ...",
"..., X has reported.", "..., said X", "according to X", "X released a report ...".
Of the cues whose scope holds the figure, the innermost one is the original source;
those that enclose it relay it ("The network reported that ..., reports The Moscow
Times": the network is the source, The Moscow Times a relay).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from corroborator.analyze import _figure_words as w
from corroborator.model import Mention

_SKIP_BEFORE_VERB = w.wordset("has have had is was are were also first initially later previously earlier now "
                              "recently again already itself since")
_NP_INNER = w.wordset("of for + - & ’s 's")
_NP_RIGHT_STOP = w.wordset("that who which according in on at after when as because while , . ; : ( ) "
                           "! ? — –")
_PASSIVE_AUX = w.wordset("is are was were be been being")
_NP_PREPOSITIONS = w.wordset("in at from of for")


@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting clause: source tokens ``[src, src_end)``, reporting word at ``verb``.

    ``inverted``: the source follows the verb (", said X", "according to X").
    ``trailing``: a source before its verb that closes the clause (", X said.").
    ``scope_end``: where the reported clause of a leading cue stops (a later
    inverted cue, which relays the whole sentence before it).
    ``opens``: an inverted cue that opens the sentence ("According to X, ...") and so
    covers what follows it; elsewhere it covers only what precedes it.
    """

    src: int
    src_end: int
    verb: int
    inverted: bool
    trailing: bool = False
    scope_end: int = 10**9
    opens: bool = False


def find_cues(sent: w.Sentence) -> list[Cue]:
    """Every reporting clause of one sentence, in order."""
    lows, n = sent.lows, len(sent.lows)
    cues: list[Cue] = []
    for i, low in enumerate(lows):
        if low == "according" and i + 1 < n and lows[i + 1] == "to":
            span = _np_right(sent, i + 2)
            if span:
                opens = i <= 5 and not any(t in w.AUX or w.is_verbish(t) for t in lows[:i])
                cues.append(Cue(span[0], span[1], i, True, opens=opens))
            continue
        report = low in w.REPORT_VERBS or (low == "found" and lows[i + 1 : i + 2] == ["that"])
        published = low in w.PUBLISH_VERBS and any(t in w.REPORT_NOUNS for t in lows[i + 1 : i + 5])
        # "The ministry put the number of people detained at 633", "the toll was put at 174 by ..."
        tallied = low in ("put", "puts") and (
            (lows[i + 1 : i + 2] == ["the"] and bool(w.TALLY_WORDS.intersection(lows[i + 2 : i + 4])))
            or _passive(lows, i))
        if not (report or published or tallied):
            continue
        if _passive(lows, i):
            # "it was reported" names no one, but "... was put at 174 by the government" does.
            by = next((b for b in range(i + 1, min(i + 7, n)) if lows[b] == "by"), -1)
            agent = _np_right(sent, by + 1) if by > 0 else None
            if agent:
                cues.append(Cue(agent[0], agent[1], by, True))
            continue
        prev = lows[i - 1] if i else ""
        if low in w.NOUN_OR_VERB and prev in w.NOT_VERB_AFTER:
            continue  # "the reports"
        right = _np_right(sent, i + 1) if report and (i == 0 or prev in (",", ":")) else None
        if right:
            cues.append(Cue(right[0], right[1], i, True))
            continue
        span = _np_left(sent, i)
        if span is None or (low in w.NOUN_OR_VERB and (
                lows[span[0]] in ("a", "an") or (i + 1 < n and lows[i + 1] in w.NOUN_AFTER))):
            continue  # "a 31-page report, detailing ..." is a noun
        cues.append(Cue(span[0], span[1], i, False, trailing=span[0] > 0 and lows[span[0] - 1] == ","))
    inverted_verbs = [c.verb for c in cues if c.inverted]
    return [
        c if c.inverted else Cue(c.src, c.src_end, c.verb, False, c.trailing,
                                 min((v for v in inverted_verbs if v > c.verb), default=n))
        for c in cues
    ]


def _passive(lows: list[str], i: int) -> bool:
    """Whether the reporting verb at ``i`` is passive ("it was reported", "were told")."""
    k = i - 1
    while k >= 0 and lows[k] in w.ADVERBS:
        k -= 1
    return k >= 0 and lows[k] in _PASSIVE_AUX and not lows[i].endswith("ing")


def _nounish(sent: w.Sentence, k: int) -> bool:
    """Whether token ``k`` can be a word of a source's name or description."""
    low, raw = sent.lows[k], sent.raws[k]
    return (raw[:1].isalnum() and low not in w.FUNCTION and low not in w.AUX and low not in w.REPORT_VERBS
            and low not in w.PUBLISH_VERBS and not (raw[:1].islower() and w.is_verbish(low)))


def _np_left(sent: w.Sentence, verb: int) -> tuple[int, int] | None:
    """The noun phrase ending right before the reporting verb (its subject)."""
    lows = sent.lows
    k = verb - 1
    while k >= 0 and lows[k] in _SKIP_BEFORE_VERB:
        k -= 1
    if k >= 0 and lows[k] == ")":
        # "The Human Rights Activists News Agency (HRANA) said": the name before the brackets.
        k = next((c - 1 for c in range(k - 1, max(k - 8, 0), -1) if lows[c] == "("), -1)
    if k >= 1 and lows[k] in ("which", "who") and lows[k - 1] == ",":
        k -= 2  # "Novaya Gazeta, which said ...": the antecedent
    elif k >= 0 and lows[k] == ",":
        # "Bilal Faizi, a spokesman for the authority, said": the name before the aside.
        k = next((c - 1 for c in range(k - 1, max(k - 16, 0), -1) if lows[c] == ","), -1)
    end = k + 1
    if k >= 0 and lows[k] in w.PRONOUNS:
        return (k, end) if lows[k] not in ("that", "who") else None
    while k >= 0 and end - k <= 10:
        low = lows[k]
        if low in w.NP_DETERMINERS:
            k -= 1
            # "Doctors at the hospital said", "The families of the victims said": go on.
            if k >= 1 and lows[k] in _NP_PREPOSITIONS and _nounish(sent, k - 1):
                k -= 1
                continue
            break
        if low in _NP_INNER or _nounish(sent, k) or (low == "and" and k > 0 and _nounish(sent, k - 1)):
            k -= 1  # "and": "security sources and residents said"
            continue
        break
    start = k + 1
    while start < end and lows[start] in _NP_INNER:
        start += 1
    if all(t in w.NP_DETERMINERS or t in _NP_INNER for t in lows[start:end]):
        return None  # "an estimated 600": an adjective, not a reporting verb
    return start, end


def _np_right(sent: w.Sentence, k: int) -> tuple[int, int] | None:
    """The noun phrase right after an inverted reporting verb (", said X").

    None when a verb follows the phrase: then it is the subject of a reported clause
    ("Bilal Faizi, a spokesman, said rescuers had recovered ...").
    """
    lows, raws, j = sent.lows, sent.raws, k
    while j < len(lows) and j - k < 12:
        if lows[j] in _NP_RIGHT_STOP:
            break
        if j > k and (lows[j] in w.AUX or (raws[j][:1].islower() and w.is_verbish(lows[j]))):
            return None
        j += 1
    return (k, j) if j > k else None


def _applies(cue: Cue, start: int, end: int) -> bool:
    """Whether tokens ``[start, end)`` lie in the reported part of ``cue``."""
    if start < cue.src_end and end > cue.src:
        return False
    if cue.inverted:
        return end <= cue.verb or (cue.opens and start >= cue.src_end)
    return cue.verb < start < cue.scope_end or (cue.trailing and end <= cue.src)


def attribute(
    sent: w.Sentence, cues: Sequence[Cue], start: int, end: int, text: str, sources: Sequence[Mention],
    source_starts: Sequence[int], longest_name: int,
) -> tuple[str | None, tuple[int, int] | None, list[str]]:
    """The original source of the count at tokens ``[start, end)``, its span and the relays.

    Entity names in ``sources`` start at most ``longest_name`` characters before the
    source phrase they name.

    Returns:
        ``(attributed_to, span, relayed_by)``; ``attributed_to`` is None when no cue
        covers the figure or the source is a bare pronoun (its span is still given).
    """
    found = [c for c in cues if _applies(c, start, end)]
    if not found:
        return None, None, []

    def depth(cue: Cue) -> tuple[int, int]:
        inside = sum(1 for other in found if other is not cue and _applies(other, cue.src, cue.src_end))
        return inside, -min(abs(cue.src - end), abs(start - cue.src_end))

    best = max(found, key=depth)
    label, span = _label(sent, best, text, sources, source_starts, longest_name)
    enclosing = sorted((c for c in found if c is not best and _applies(c, best.src, best.src_end)),
                       key=depth, reverse=True)
    relays = [_label(sent, c, text, sources, source_starts, longest_name) for c in enclosing]
    if label is None and relays and relays[0][0]:
        # "X told ... that he said ...": a pronoun speaks for the named source around it.
        (label, span), relays = relays[0], relays[1:]
    return label, span, [r[0] for r in relays if r[0]]


def _label(
    sent: w.Sentence, cue: Cue, text: str, sources: Sequence[Mention], source_starts: Sequence[int],
    longest_name: int,
) -> tuple[str | None, tuple[int, int]]:
    """The source's name: an overlapping ORG/PERSON entity, else the phrase itself."""
    start, end = sent.starts[cue.src], sent.ends[cue.src_end - 1]
    lead = sent.starts[cue.src + 1] if sent.lows[cue.src] in w.DETERMINERS and cue.src_end - cue.src > 1 else start
    best: Mention | None = None
    k = bisect.bisect_left(source_starts, end) - 1
    while k >= 0 and sources[k].start > start - longest_name:
        entity = sources[k]
        k -= 1
        # Only a name that heads the phrase names the source: "newspaper Novaya Gazeta",
        # "Elena Milashina of ...", never "LGBT" inside "a Russian LGBT rights group".
        heads = entity.end >= end - 1 or (
            entity.start <= lead and text[entity.end : end].lstrip().startswith(("of ", ",", "from "))
        )
        overlap = min(end, entity.end) - max(start, entity.start)
        if heads and overlap > 0 and (best is None or overlap >= min(end, best.end) - max(start, best.start)):
            best = entity
    if best is not None:
        return best.text, (best.start, best.end)
    lows, raws = sent.lows, sent.raws
    if cue.src_end - cue.src == 1 and lows[cue.src] in w.PRONOUNS:
        return None, (start, end)
    # "Russian newspaper Novaya Gazeta" -> the name after the descriptor noun.
    for t in range(cue.src_end - 2, cue.src - 1, -1):
        if lows[t] in w.DESCRIPTORS and all(r[:1].isupper() for r in raws[t + 1 : cue.src_end]):
            start = sent.starts[t + 1]
            break
    return text[start:end], (start, end)


def nearest_date(dated: Sequence[Mention], date_starts: Sequence[int], sentence: tuple[int, int],
                 value: tuple[int, int]) -> str | None:
    """Value of the date mention in ``sentence`` closest to the ``value`` span, or None."""
    best, best_distance = None, None
    k = bisect.bisect_left(date_starts, sentence[0])
    while k < len(dated) and dated[k].start < sentence[1]:
        date = dated[k]
        distance = max(date.start - value[1], value[0] - date.end, 0)
        if date.end <= sentence[1] and (best_distance is None or distance < best_distance):
            best, best_distance = date.attrs["value"], distance
        k += 1
    return best
