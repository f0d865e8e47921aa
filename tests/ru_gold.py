"""The Russian gold set (tests/gold/ru): hand-written reports, their annotations, and scores.

Each ``NN.txt`` is a short report in the style of Russian news; ``gold.json`` lists per
file the expected figures (event, value, qualifier, text, attributed_to), dates (text,
value; None when the text gives no way to place it) and entities (text, type, lemma).
Every report goes through the whole document pipeline (cleaning, language, the Russian
extractors), as a build runs it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from corroborator.analyze import pipeline
from corroborator.model import Document, Extraction
from corroborator.settings import DEFAULTS

GOLD = Path(__file__).parent / "gold" / "ru"
#: Places: the gold says LOC for a river, the extractor GPE for every natasha LOC.
_GROUP = {"LOC": "GPE"}


@dataclass(frozen=True)
class Score:
    """Precision and recall of one kind, and how well the matched items agree."""

    name: str
    tp: int
    predicted: int
    expected: int
    agree: dict[str, tuple[int, int]]

    @property
    def precision(self) -> float:
        """Found items that are gold."""
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Gold items that are found."""
        return self.tp / self.expected if self.expected else 1.0

    def line(self) -> str:
        """The score on one printable line."""
        extra = ", ".join(f"{k} {a}/{n}" for k, (a, n) in self.agree.items())
        return (f"{self.name}: precision {self.precision:.2f} ({self.tp}/{self.predicted}), "
                f"recall {self.recall:.2f} ({self.tp}/{self.expected}); {extra}")

    def rate(self, key: str) -> float:
        """How often the matched items agree on ``key``."""
        a, n = self.agree[key]
        return a / n if n else 1.0


def annotations(folder: Path = GOLD) -> dict[str, dict]:
    """The annotations of a gold folder, by file name."""
    return json.loads((folder / "gold.json").read_text(encoding="utf-8"))


@cache
def analysed(folder: Path = GOLD) -> dict[str, Extraction]:
    """Every report of the folder through the document pipeline, by file name."""
    out = {}
    for name in annotations(folder):
        text = (folder / name).read_text(encoding="utf-8")
        doc = Document(name.ljust(64, "0"), name, name.ljust(64, "0"), "text/plain", text)
        out[name] = pipeline.analyze(doc, DEFAULTS)
    return out


def _spans(text: str, items: list[dict]) -> list[tuple[int, int]]:
    """Where each annotated text is: repeated texts take their occurrences in order."""
    seen: dict[str, int] = {}
    spans = []
    for item in items:
        at = -1
        for _ in range(seen.get(item["text"], 0) + 1):
            at = text.index(item["text"], at + 1)
        seen[item["text"]] = seen.get(item["text"], 0) + 1
        spans.append((at, at + len(item["text"])))
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans overlap."""
    return a[0] < b[1] and b[0] < a[1]


def score_figures(folder: Path = GOLD) -> Score:
    """Figures match on document, event, value and overlapping spans."""
    tp = predicted = expected = 0
    agree = {"qualifier": [0, 0], "text": [0, 0], "attributed_to": [0, 0]}
    for name, gold in annotations(folder).items():
        ex = analysed(folder)[name]
        found = list(ex.figures)
        predicted += len(found)
        expected += len(gold["figures"])
        for item, span in zip(gold["figures"], _spans(ex.document.text, gold["figures"])):
            match = next((f for f in found if (f.event, f.value) == (item["event"], item["value"])
                          and _overlap((f.mention.start, f.mention.end), span)), None)
            if match is None:
                continue
            found.remove(match)
            tp += 1
            _tally(agree, "qualifier", match.qualifier == item["qualifier"])
            _tally(agree, "text", match.mention.text == item["text"])
            if item.get("attributed_to"):
                got = (match.attributed_to or "").lower()
                want = item["attributed_to"].lower()
                _tally(agree, "attributed_to", bool(got) and (got in want or want in got))
    return Score("figures", tp, predicted, expected, {k: (a, n) for k, (a, n) in agree.items()})


def score_dates(folder: Path = GOLD) -> Score:
    """Dates match on overlapping spans; ``value`` and exact text are compared on matches."""
    tp = predicted = expected = 0
    agree = {"value": [0, 0], "text": [0, 0]}
    for name, gold in annotations(folder).items():
        ex = analysed(folder)[name]
        found = [m for m in ex.mentions if m.kind == "date"]
        predicted += len(found)
        expected += len(gold["dates"])
        for item, span in zip(gold["dates"], _spans(ex.document.text, gold["dates"])):
            match = next((m for m in found if _overlap((m.start, m.end), span)), None)
            if match is None:
                continue
            found.remove(match)
            tp += 1
            _tally(agree, "value", match.attrs.get("value") == item["value"])
            _tally(agree, "text", match.text == item["text"])
    return Score("dates", tp, predicted, expected, {k: (a, n) for k, (a, n) in agree.items()})


def score_entities(folder: Path = GOLD) -> Score:
    """Entities match on overlapping spans and type (LOC and GPE are one group); lemmas on exact spans."""
    tp = predicted = expected = 0
    agree = {"text": [0, 0], "lemma": [0, 0]}
    for name, gold in annotations(folder).items():
        ex = analysed(folder)[name]
        found = [m for m in ex.mentions if m.kind == "entity"]
        predicted += len(found)
        expected += len(gold["entities"])
        for item, span in zip(gold["entities"], _spans(ex.document.text, gold["entities"])):
            group = _GROUP.get(item["type"], item["type"])
            match = next((m for m in found if _overlap((m.start, m.end), span)
                          and _GROUP.get(m.attrs["label"], m.attrs["label"]) == group), None)
            if match is None:
                continue
            found.remove(match)
            tp += 1
            _tally(agree, "text", match.text == item["text"])
            if match.text == item["text"]:
                _tally(agree, "lemma", match.attrs.get("lemma") == item["lemma"])
    return Score("entities", tp, predicted, expected, {k: (a, n) for k, (a, n) in agree.items()})


def published(folder: Path = GOLD) -> tuple[int, int]:
    """How many reports got the publish date the gold states (None included), of all."""
    gold = annotations(folder)
    return sum(analysed(folder)[n].document.published == g["published"] for n, g in gold.items()), len(gold)


def _tally(agree: dict[str, list[int]], key: str, ok: bool) -> None:
    """Count one comparison."""
    agree[key][0] += int(ok)
    agree[key][1] += 1


def misses(folder: Path = GOLD) -> list[str]:
    """Gold figures not found and figures found that are not gold, for reading a failure."""
    lines = []
    for name, gold in annotations(folder).items():
        ex = analysed(folder)[name]
        got = {(f.event, f.value, f.qualifier, f.mention.text, f.attributed_to) for f in ex.figures}
        want = {(g["event"], g["value"], g["qualifier"], g["text"], g.get("attributed_to")) for g in gold["figures"]}
        lines += [f"{name} missing {w}" for w in sorted(want - got, key=str)]
        lines += [f"{name} extra   {g}" for g in sorted(got - want, key=str)]
    return lines
