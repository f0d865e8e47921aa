"""Score quote finding and speaker attribution on PolNeAR (who said it in US political news).

    .venv/bin/python bench/eval_quotes.py ../shared/data/polnear/dev [--limit N] [--examples K]

The articles are built into one case through the public API (``corroborator.build`` on a
temporary JSONL file, then ``corroborator.load_case``); nothing from the data set is
copied into the repository. ``--direct`` skips the case file and runs the per-document
stages alone (``corroborator.analyze.analyze_batch``), which is quicker while developing.

Scoring (as issue 8 defines it):

- A gold *direct quote* is an attribution relation whose Content starts or ends with a
  quote mark.
- *Found*: a predicted quote overlaps its Content span.
- *Right speaker*: the predicted speaker's label, or the name or an alias of the entity
  it was resolved to, shares a content word with the gold Source. A pronoun Source
  counts through the person it refers to: the latest named Source before it.
- *Named*: the gold Source is not a bare pronoun.

It prints recall, speaker accuracy (all and named), predicted quotes per gold direct
quote, and examples of each error class.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

QUOTE_MARKS = "\"“”‘’'«»„"
PRONOUNS = frozenset("he she they i we it him her them you his hers their its who this that".split())
#: Function words: a shared "the" is no match.
STOP = frozenset("""the a an of and or for to in on at by with from as is was be said says his her their its who
that this s jr sr one another some other""".split())
#: Titles: "President Obama" and "President Trump" share no speaker.
TITLES = frozenset("""mr mrs ms dr sen rep gov gen president former senator governor candidate nominee secretary
presidential republican democratic democrat gop rev""".split())


@dataclass
class Gold:
    doc: str
    start: int
    end: int
    source: str | None  # the Source text, pronouns resolved
    named: bool
    raw_source: str | None


@dataclass
class Prediction:
    doc: str
    start: int
    end: int
    names: list[str] = field(default_factory=list)  # label, entity name, aliases
    label: str | None = None


def words(text: str | None, names_only: bool = False) -> set[str]:
    """Content words of a name or description, lowercased, possessives dropped.

    With ``names_only``, only capitalised words that are not titles: a named source is
    matched by its name, a description ("a campaign spokesman") by its words.
    """
    if not text:
        return set()
    out = set()
    for raw in re.findall(r"[A-Za-z][A-Za-z'’.-]*", text):
        w = re.sub(r"['’]s$", "", raw.lower()).strip(".'’-")
        if not w or w in STOP or len(w) < 2 or (names_only and (not raw[0].isupper() or w in TITLES)):
            continue
        out.add(w)
    return out


def gold_words(source: str | None) -> set[str]:
    """What a predicted speaker must share with the gold Source: its name, else its words."""
    return words(source, names_only=True) or words(source)


def is_pronoun(text: str) -> bool:
    return all(w.lower().strip(".,") in PRONOUNS for w in text.split()) if text.strip() else True


def read_gold(data: Path, limit: int | None, offset: int = 0) -> tuple[dict[str, str], list[Gold]]:
    """Texts by article name and the gold direct quotes (one annotator per article)."""
    texts: dict[str, str] = {}
    gold: list[Gold] = []
    ann_by_article: dict[str, Path] = {}
    for ann in sorted((data / "attributions").glob("*.ann")):
        article = ann.stem.rsplit("_", 1)[0]
        ann_by_article.setdefault(article, ann)
    articles = sorted(ann_by_article)[offset:]
    articles = articles[:limit] if limit else articles
    for article in articles:
        text = (data / "text" / f"{article}.txt").read_text(encoding="utf-8")
        texts[article] = text
        gold.extend(_relations(article, text, ann_by_article[article]))
    return texts, gold


def _span(field_text: str) -> tuple[int, int]:
    """The outer span of a brat offset field ("12 20" or "12 20;25 30")."""
    parts = [tuple(map(int, p.split())) for p in field_text.split(";")]
    return min(p[0] for p in parts), max(p[1] for p in parts)


def _relations(article: str, text: str, ann: Path) -> list[Gold]:
    spans: dict[str, tuple[str, int, int]] = {}
    relations = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            label, _, offsets = cols[1].partition(" ")
            start, end = _span(offsets)
            spans[cols[0]] = (label, start, end)
        elif line.startswith("E") and len(cols) >= 2:
            relations.append(dict(part.split(":", 1) for part in cols[1].split() if ":" in part))
    sources = sorted((s, e) for label, s, e in spans.values() if label == "Source")
    out = []
    for rel in relations:
        content = spans.get(rel.get("Content", ""))
        if content is None:
            continue
        _, cs, ce = content
        body = text[cs:ce].strip()
        if not body or not (body[0] in QUOTE_MARKS or body[-1] in QUOTE_MARKS or body.rstrip(".,")[-1:] in QUOTE_MARKS):
            continue
        src = spans.get(rel.get("Source", ""))
        raw = text[src[1]:src[2]] if src else None
        source, named = raw, bool(raw) and not is_pronoun(raw)
        if raw and not named:
            # A pronoun counts through the person it refers to: the latest named Source before it.
            before = [text[s:e] for s, e in sources if e <= src[1] and not is_pronoun(text[s:e])]
            source = before[-1] if before else None
        out.append(Gold(article, cs, ce, source, named, raw))
    return out


def predict_built(texts: dict[str, str], workdir: Path) -> tuple[list[Prediction], float]:
    """Build one case from every article through the public API and read its quotes."""
    import corroborator

    jsonl = workdir / "articles.jsonl"
    with jsonl.open("w", encoding="utf-8") as out:
        for article, text in texts.items():
            out.write(json.dumps({"id": article, "text": text}) + "\n")
    started = time.perf_counter()
    corroborator.build([jsonl], workdir / "case.duckdb", corroborator.BuildOptions(workers=1))
    elapsed = time.perf_counter() - started
    case = corroborator.load_case(workdir / "case.duckdb")
    article_of = {d.id: d.path.rsplit("#", 1)[-1] for d in case.documents}
    for d in case.documents:
        if d.text != texts[article_of[d.id]]:
            raise SystemExit(f"{article_of[d.id]}: the stored text differs from the file; offsets would not match")
    entities = {e.id: e for e in case.entities}
    preds = []
    for q in case.quotes:
        names = [q.speaker_label] if q.speaker_label else []
        if q.speaker and q.speaker in entities:
            names += [entities[q.speaker].name, *entities[q.speaker].aliases]
        preds.append(Prediction(article_of[q.mention.doc_id], q.mention.start, q.mention.end, names, q.speaker_label))
    return preds, elapsed


def predict_direct(texts: dict[str, str]) -> tuple[list[Prediction], float]:
    """Run the per-document stages only (no case file, no case-wide entity resolution)."""
    from corroborator.analyze import analyze_batch
    from corroborator.ingest.html import sha256 as _sha256  # the same id the build would give
    from corroborator.model import Document

    docs = [Document(id=_sha256(a.encode()), path=a, sha256="", media_type="text/plain", text=t)
            for a, t in texts.items()]
    started = time.perf_counter()
    extractions = analyze_batch(docs)
    elapsed = time.perf_counter() - started
    preds = []
    for ex in extractions:
        mentions = {m.id: m for m in ex.mentions}
        for q in ex.quotes:
            names = [q.speaker_label] if q.speaker_label else []
            if q.speaker_mention_id in mentions:
                names.append(mentions[q.speaker_mention_id].text)
            preds.append(Prediction(ex.document.path, q.mention.start, q.mention.end, names, q.speaker_label))
    return preds, elapsed


def score(texts: dict[str, str], gold: list[Gold], preds: list[Prediction], examples: int,
          context: int = 0) -> dict[str, float]:
    by_doc: dict[str, list[Prediction]] = defaultdict(list)
    for p in preds:
        by_doc[p.doc].append(p)
    found = right = named = named_right = 0
    errors: dict[str, list[str]] = defaultdict(list)
    counts: Counter[str] = Counter()
    for g in gold:
        overlapping = [p for p in by_doc[g.doc] if p.start < g.end and g.start < p.end]
        snippet = _short(texts[g.doc][g.start:g.end])
        if context:
            text = texts[g.doc]
            snippet = (_short(text[max(0, g.start - context):g.start], 10**6) + " ⟦" + _short(text[g.start:g.end], 60)
                       + "⟧ " + _short(text[g.end:g.end + context], 10**6))
        if not overlapping:
            counts["missed"] += 1
            errors["missed"].append(f"{g.doc[:40]} {snippet}  [gold: {g.raw_source}]")
            continue
        found += 1
        named += g.named
        best = max(overlapping, key=lambda p: min(p.end, g.end) - max(p.start, g.start))
        gold_set = gold_words(g.source)
        ok = any(words(n) & gold_set for n in best.names) if gold_set else False
        right += ok
        named_right += ok and g.named
        if not ok:
            kind = ("no speaker" if not best.label else "pronoun gold, unresolved" if not gold_set
                    else "wrong speaker")
            kind += " (named gold)" if g.named else " (pronoun gold)"
            counts[kind] += 1
            errors[kind].append(f"{g.doc[:40]} {snippet}  [gold: {g.raw_source!r} -> {g.source!r}; "
                                f"predicted: {best.label!r} {best.names[1:3]}]")
    gold_by_doc: dict[str, list[Gold]] = defaultdict(list)
    for g in gold:
        gold_by_doc[g.doc].append(g)
    spurious = [p for p in preds if not any(p.start < g.end and g.start < p.end for g in gold_by_doc[p.doc])]
    counts["predicted, no gold direct quote"] = len(spurious)
    for p in spurious:
        errors["predicted, no gold direct quote"].append(f"{p.doc[:40]} {_short(texts[p.doc][p.start:p.end])}  "
                                                         f"[predicted: {p.label!r}]")
    n = len(gold)
    result = {
        "gold direct quotes": n,
        "gold with named source": sum(g.named for g in gold),
        "predicted quotes": len(preds),
        "recall": found / n if n else 0.0,
        "speaker accuracy (all found)": right / found if found else 0.0,
        "speaker accuracy (named, found)": named_right / named if named else 0.0,
        "predicted per gold": len(preds) / n if n else 0.0,
    }
    print("\nError classes:")
    for kind, count in counts.most_common():
        print(f"  {count:5d}  {kind}")
    if examples:
        for kind, lines in errors.items():
            print(f"\n-- {kind} (first {min(examples, len(lines))} of {len(lines)})")
            for line in lines[:examples]:
                print("   ", line)
    return result


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="a PolNeAR split folder (with text/ and attributions/)")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--offset", type=int, default=0, help="skip the first N articles")
    parser.add_argument("--examples", type=int, default=5, help="examples printed per error class")
    parser.add_argument("--context", type=int, default=0, help="characters of context around each example")
    parser.add_argument("--direct", action="store_true", help="per-document stages only, no case file")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    if not (args.data / "attributions").is_dir():
        parser.error(f"{args.data}: no attributions/ folder; pass a PolNeAR split such as polnear/dev")
    texts, gold = read_gold(args.data, args.limit, args.offset)
    if args.direct:
        preds, elapsed = predict_direct(texts)
    else:
        with tempfile.TemporaryDirectory(prefix="eval-quotes-") as tmp:
            preds, elapsed = predict_built(texts, Path(tmp))
    result = score(texts, gold, preds, args.examples, args.context)
    words_total = sum(len(t.split()) for t in texts.values())
    print(f"\n{len(texts)} articles, {words_total} words, {'analysed' if args.direct else 'built'} in {elapsed:.1f} s")
    for key, value in result.items():
        print(f"  {key:32s} {value:.3f}" if isinstance(value, float) else f"  {key:32s} {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
