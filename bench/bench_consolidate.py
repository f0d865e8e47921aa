"""Benchmark: the cross-document steps of ``corroborator.consolidate`` at 10k and 100k reports.

Generates a synthetic but realistic case in memory (many outlets, wire stories and their
syndicated copies, incidents reported by several outlets with varying figures, named
sources cited across reports, people named in full then by surname, NER mislabels),
then times each step on it and prints its time and the process's resident memory.
Each size runs in its own process so the peak memory is that size's own.

    .venv/bin/python bench/bench_consolidate.py                 # 10k and 100k
    .venv/bin/python bench/bench_consolidate.py --sizes 2000 20000
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

from corroborator.model import Document, Event, Figure, Mention, mention_id

_SYLLABLES = "ka ri to mel an sor vi du pel gra no ste lin bo tar ve chi mu ras e den ol qua fir".split()
_EVENTS = [("killed", "were killed", "dead"), ("injured", "were injured", "injured"),
           ("detained", "were detained", "detained"), ("disappeared", "disappeared", "missing"),
           ("fled", "fled their homes", "displaced")]
_QUALIFIERS = [("exact", ""), ("at_least", "at least "), ("more_than", "more than "), ("about", "about ")]
_ROLES = ["regional governor", "interior minister", "police chief", "army spokesman", "mayor"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))


class _Text:
    """Builds a text and records exact spans of the pieces added."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, piece: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


class Corpus:
    """The synthetic case: documents, entity mentions, figures, events and their mentions."""

    def __init__(self, n_docs: int, seed: int = 1) -> None:
        rng = random.Random(seed)
        self.rng = rng
        self.vocab = [_word(rng) for _ in range(6000)]
        self.towns = [_word(rng).capitalize() for _ in range(max(50, n_docs // 30))]
        self.people = [(_word(rng).capitalize(), _word(rng).capitalize() + "ov") for _ in range(max(100, n_docs // 20))]
        self.ngos = [f"{_word(rng).capitalize()} Rights {rng.choice(['Network', 'Watch', 'Centre', 'Foundation'])}"
                     for _ in range(max(20, n_docs // 300))]
        self.outlets = [f"The {_word(rng).capitalize()} {rng.choice(['Times', 'Post', 'Herald', 'Daily', 'News'])}"
                        for _ in range(max(30, n_docs // 150))]
        self.wires = ["Wire Agency", "Global Press", "News Service International"]
        n_incidents = max(10, n_docs // 8)
        start = date(2020, 1, 1)
        self.incidents = [{
            "date": start + timedelta(days=rng.randint(0, 730)), "town": rng.choice(self.towns),
            "event": rng.choice(_EVENTS), "count": rng.randint(2, 300), "ngo": rng.choice(self.ngos),
            "official": rng.choice(self.people), "role": rng.choice(_ROLES)} for _ in range(n_incidents)]
        self.documents: list[Document] = []
        self.mentions: list[Mention] = []
        self.figures: list[Figure] = []
        self.events: list[Event] = []
        self.event_mentions: list[Mention] = []
        wire_docs: dict[int, list[tuple[Document, list, list, list]]] = {}
        for i in range(n_docs):
            # A few incidents draw most of the coverage, as in real news.
            k = min(int(rng.paretovariate(1.2)) - 1, n_incidents - 1) if rng.random() < 0.5 else rng.randrange(n_incidents)
            if wire_docs.get(k) and rng.random() < 0.12:
                self._copy(i, rng.choice(wire_docs[k]))
                continue
            made = self._report(i, self.incidents[k], wire=rng.random() < 0.2)
            if made[0].outlet in self.wires:
                wire_docs.setdefault(k, []).append(made)

    def _filler(self, t: _Text, sentences: int) -> None:
        rng = self.rng
        for _ in range(sentences):
            words = [rng.choice(self.vocab) for _ in range(rng.randint(8, 22))]
            t.add(" ".join(words).capitalize() + ". ")

    def _report(self, i: int, inc: dict, *, wire: bool) -> tuple[Document, list, list, list]:
        rng = self.rng
        t = _Text()
        outlet = rng.choice(self.wires) if wire else rng.choice(self.outlets)
        published = inc["date"] + timedelta(days=rng.randint(0, 4))
        event, verb, adjective = inc["event"]
        count = max(1, inc["count"] + rng.choice([0, 0, 0, -1, 1, -inc["count"] // 3]))
        qualifier, qword = rng.choice(_QUALIFIERS)
        ents: list[tuple[int, int, str]] = []
        figs: list[tuple[int, int, str, int, str, tuple[int, int] | None, str | None, bool]] = []
        evs: list[tuple[int, int, str]] = []
        head = t.add(f"{count} {adjective} in {inc['town']}")
        figs.append((head[0], head[1], event, count, "exact", None, None, True))
        t.add("\n")
        s0 = t.length
        f = t.add(f"{qword.capitalize()}{count} people {verb}")
        t.add(" in ")
        ents.append((*t.add(inc["town"]), "GPE"))
        t.add(f" on {inc['date'].isoformat()}, ")
        cited = rng.random() < 0.6
        src = t.add(inc["ngo"] if cited else "police")
        if cited:
            ents.append((*src, "ORG"))
        t.add(" said. ")
        figs.append((*f, event, count, qualifier, src, inc["date"].isoformat(), False))
        evs.append((s0, t.length - 1, inc["date"].isoformat()))
        self._filler(t, rng.randint(2, 5))
        first, last = inc["official"]
        t.add("\n" + inc["role"].capitalize() + " ")
        ents.append((*t.add(f"{first} {last}"), "PERSON"))
        t.add(" said the authorities were investigating. ")
        ents.append((*t.add(last), "PERSON" if rng.random() < 0.9 else "ORG"))
        t.add(" added that help was on the way. ")
        self._filler(t, rng.randint(3, 8))
        if rng.random() < 0.5:
            t.add("\nAccording to ")
            src2 = t.add(inc["ngo"])
            ents.append((*src2, "PERSON" if rng.random() < 0.3 else "ORG"))
            t.add(", ")
            floor = max(1, count - rng.randint(0, 5))
            f2 = t.add(f"at least {floor} people {verb}")
            figs.append((*f2, event, floor, "at_least", src2, None, False))
            t.add(" since the start of the month. ")
        self._filler(t, rng.randint(2, 6))
        t.add("\n")
        ents.append((*t.add(outlet), "ORG" if rng.random() < 0.8 else "PERSON"))
        t.add(" reporting.\n")
        return self._emit(i, t.text(), outlet, published.isoformat(), ents, figs, evs)

    def _copy(self, i: int, original: tuple[Document, list, list, list]) -> None:
        doc, ents, figs, evs = original
        headline_end = doc.text.index("\n")
        new_head = f"UPDATE: {doc.text[:headline_end]}"
        shift = len(new_head) - headline_end
        text = new_head + doc.text[headline_end:] + "Copyright the syndicating site.\n"
        moved = lambda s, e: (s + shift, e + shift) if s >= headline_end else (s, e + shift)  # noqa: E731
        self._emit(i, text, self.rng.choice(self.outlets), doc.published,
                   [(*moved(s, e), label) for s, e, label in ents],
                   [(*moved(s, e), ev, v, q, moved(*src) if src else None, w, h) for s, e, ev, v, q, src, w, h in figs],
                   [(*moved(s, e), d) for s, e, d in evs])

    def _emit(self, i: int, text: str, outlet: str, published: str, ents: list, figs: list,
              evs: list) -> tuple[Document, list, list, list]:
        doc_id = f"{i:012d}" + "0" * 52
        doc = Document(doc_id, f"synthetic/{i}.txt", doc_id, "text/plain", text, outlet=outlet, published=published)
        self.documents.append(doc)
        for s, e, label in ents:
            self.mentions.append(Mention(mention_id(doc_id, "entity", s, e), doc_id, s, e, "entity", "bench", text[s:e],
                                         {"label": label}))
        for s, e, event, value, qualifier, src, when, headline in figs:
            # The extractor gives each figure its sentence span.
            line_start = text.rfind("\n", 0, s) + 1
            sent_start = max(line_start, text.rfind(". ", line_start, s) + 2 if text.rfind(". ", line_start, s) >= 0 else 0)
            sent_end = text.find(". ", e)
            attrs: dict = {"sentence": [sent_start, sent_end + 1 if sent_end > 0 else len(text)]}
            if headline:
                attrs["noise_kind"] = "headline"
            if src:
                attrs["attribution_span"] = list(src)
            m = Mention(mention_id(doc_id, "figure", s, e), doc_id, s, e, "figure", "bench", text[s:e], attrs)
            self.figures.append(Figure(m, event, value, qualifier, "people", text[src[0]:src[1]] if src else None, when))
        for s, e, when in evs:
            m = Mention(mention_id(doc_id, "event", s, e), doc_id, s, e, "event", "bench", text[s:e], {})
            self.event_mentions.append(m)
            self.events.append(Event(m.id, doc_id, when, "day", text[s:e], (m.id,)))
        return doc, ents, figs, evs


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    with open("/proc/self/statm") as f:
        current = int(f.read().split()[1]) * resource.getpagesize() / 2**20
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n_docs: int) -> dict:
    """Generate a case of ``n_docs`` reports and time each consolidation step on it."""
    from corroborator.consolidate import (
        SourceNames, build_claims, build_timeline, compute_totals, figure_provenance, find_duplicates,
        resolve_case_entities)
    from corroborator.consolidate._facts import figure_places
    from corroborator.consolidate.duplicates import original_of

    t0 = time.perf_counter()
    corpus = Corpus(n_docs)
    docs = corpus.documents
    steps: list[dict] = [{"step": "generate (not timed work)", "seconds": time.perf_counter() - t0,
                          "items": f"{len(docs)} docs, {len(corpus.mentions)} entity mentions, "
                                   f"{len(corpus.figures)} figures, {len(corpus.events)} events"}]

    def timed(name: str, func, *args):  # noqa: ANN001, ANN202
        start = time.perf_counter()
        result = func(*args)
        current, peak = _rss_mb()
        steps.append({"step": name, "seconds": time.perf_counter() - start, "rss_mb": current, "peak_mb": peak})
        return result

    links = timed("duplicates (MinHash LSH)", find_duplicates, docs)
    originals = original_of(links)
    res = timed("entities (blocking by name)", resolve_case_entities, corpus.mentions, docs)
    all_mentions = corpus.mentions + res.mentions
    names = timed("source names (index)", SourceNames, res.entities, res.by_mention, all_mentions)
    prov = timed("provenance (per report)", figure_provenance, corpus.figures, docs, names, originals)
    places = timed("figure places", figure_places, corpus.figures, {d.id: d for d in docs}, all_mentions,
                   res.by_mention, {e.id for e in res.entities if e.type == "GPE"})
    claim_set = timed("claims (sort + sweep)", build_claims, corpus.figures, docs, prov, places)
    totals = timed("totals", compute_totals, claim_set)
    by_id = {m.id: m for m in corpus.event_mentions}
    timeline = timed("timeline (date blocks + bands)", build_timeline, corpus.events, docs, by_id, originals,
                     claim_set.claims)
    return {"docs": n_docs, "steps": steps, "found": {
        "copies": len(links), "entities": len(res.entities), "claims": len(claim_set.claims),
        "totals": len(totals), "timeline": len(timeline)}}


def main() -> None:
    """Run each size in a fresh process and print a table with growth rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child)))
        return
    results = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(f"\n== {n:,} documents: {r['steps'][0]['items']}")
        print(f"   found: {r['found']}")
        print(f"   {'step':34} {'seconds':>9} {'rss MB':>9} {'peak MB':>9}")
        for s in r["steps"][1:]:
            print(f"   {s['step']:34} {s['seconds']:9.2f} {s['rss_mb']:9.0f} {s['peak_mb']:9.0f}")
        total = sum(s["seconds"] for s in r["steps"][1:])
        print(f"   {'total':34} {total:9.2f} {'':9} {r['steps'][-1]['peak_mb']:9.0f}")
    if len(results) >= 2:
        a, b = results[0], results[-1]
        ratio = b["docs"] / a["docs"]
        nlogn = ratio * math.log(b["docs"]) / math.log(a["docs"])
        print(f"\ngrowth {a['docs']:,} -> {b['docs']:,} docs (x{ratio:g}; n log n would be x{nlogn:.1f}):")
        for sa, sb in zip(a["steps"][1:], b["steps"][1:]):
            print(f"   {sa['step']:34} x{sb['seconds'] / max(sa['seconds'], 1e-9):6.1f}")


if __name__ == "__main__":
    main()
