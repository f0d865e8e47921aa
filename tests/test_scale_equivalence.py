"""The lean ways a large case is consolidated and reported give what the whole-in-memory ways gave."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from datasketch import MinHashLSH

from corroborator.consolidate import apply_consolidation, consolidate_case
from corroborator.consolidate.duplicates import _candidate_index, find_duplicates, signatures
from corroborator.consolidate.timeline import content_words
from corroborator.model import Document
from corroborator.outputs import briefing as briefing_module
from corroborator.outputs.briefing import _REDUNDANT, _SUPPORT, Citation, _blocked_spans, _jaccard, _overlaps
from corroborator.outputs.briefing import _QUOTE_MARKS, build_briefing
from corroborator.settings import DEFAULTS
from corroborator.store.consolidated import _Shared
from corroborator.text import sentences
from tests.test_consolidate_sample import load_sample

_WORDS = ("police detained protesters in the capital on tuesday according to witnesses who saw officers beat "
          "several men outside the station while journalists were kept away and phones were taken").split()


def _corpus(n: int, seed: int = 3) -> list[Document]:
    """Reports, a third of them copies of an earlier one with a few words changed."""
    rng = random.Random(seed)
    docs: list[Document] = []
    for i in range(n):
        if docs and rng.random() < 0.35:
            words = rng.choice(docs).text.split()
            for _ in range(rng.randint(0, 12)):
                words[rng.randrange(len(words))] = rng.choice(_WORDS)
        else:
            words = [rng.choice(_WORDS) for _ in range(rng.randint(5, 120))]
        doc_id = f"{i:064d}"
        docs.append(Document(doc_id, f"r/{i}.txt", doc_id, "text/plain", " ".join(words),
                             published=f"2020-01-{1 + i % 28:02d}", outlet=rng.choice(["A Times", "B Post", None])))
    return docs


def _links_through_datasketch(docs: list[Document], threshold: float, num_perm: int) -> set[tuple[str, str]]:
    """The pairs datasketch's LSH index offers and the estimate keeps, as the cases were consolidated before."""
    sigs = signatures(docs, num_perm, DEFAULTS.duplicates.shingle_words)
    lsh: MinHashLSH = _candidate_index(threshold, num_perm)
    pairs = set()
    for doc_id, sig in sigs.items():
        for other in lsh.query(sig):
            if sig.jaccard(sigs[other]) >= threshold:
                pairs.add(tuple(sorted((doc_id, other))))
        lsh.insert(doc_id, sig)
    return pairs


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.5, 128), (0.3, 128), (0.8, 64), (0.97, 64)])
def test_duplicates_found_by_sorting_bands_are_those_the_lsh_index_finds(threshold: float, num_perm: int) -> None:
    docs = _corpus(300)
    links = find_duplicates(docs, threshold=threshold, num_perm=num_perm)
    assert links, "the corpus has copies"
    # The groups of copies are the connected groups of the pairs the index keeps.
    pairs = _links_through_datasketch(docs, threshold, num_perm)
    root: dict[str, str] = {}

    def find(x: str) -> str:
        while root.setdefault(x, x) != x:
            x = root[x]
        return x
    for a, b in pairs:
        root[find(a)] = find(b)
    components = {frozenset(d for d in root if find(d) == find(x)) for x in root}
    groups: dict[str, set[str]] = {}
    for link in links:
        groups.setdefault(link.original_id, {link.original_id}).add(link.doc_id)
    assert {frozenset(g) for g in groups.values()} == components
    sigs = signatures(docs, num_perm, DEFAULTS.duplicates.shingle_words)
    assert all(link.similarity == round(float(sigs[link.doc_id].jaccard(sigs[link.original_id])), 3)
               for link in links)


def _old_extracts(case, docs, cite, limit, copies, told_figures):  # noqa: ANN001, ANN202
    """The extracts as the briefing chose them holding every candidate sentence (the reference)."""
    blocked = _blocked_spans(case)
    for fid in told_figures:
        m = case.mentions.get(fid)
        if m is not None:
            blocked.setdefault(m.doc_id, []).append((m.start, m.end))
    candidates = []
    for doc in case.documents:
        if doc.id in copies:
            continue
        for s, e in sentences(doc.text):
            text = doc.text[s:e]
            if doc.in_noise(s, e) is not None or not 40 <= len(text) <= 320:
                continue
            if _QUOTE_MARKS.search(text) or _overlaps(Citation(doc.id, s, e, text), blocked):
                continue
            words = content_words(text)
            if len(words) >= 5:
                candidates.append((doc.id, s, e, words))
    per_doc: dict[str, set[str]] = {}
    for doc_id, _, _, words in candidates:
        per_doc.setdefault(doc_id, set()).update(words)
    spread = Counter(w for words in per_doc.values() for w in words)
    scored = sorted(candidates, key=lambda c: (-sum(spread[w] for w in c[3]) / len(c[3]), c[0], c[1]))
    chosen = []
    for cand in scored:
        if len(chosen) >= limit:
            break
        if all(_jaccard(cand[3], c[3]) < _REDUNDANT for c in chosen) and cand[0] not in {c[0] for c in chosen}:
            chosen.append(cand)
    out = []
    for doc_id, s, e, words in sorted(chosen, key=lambda c: (docs[c[0]].published or "9999", c[0], c[1])):
        support = [c for c in candidates if c[0] != doc_id and _jaccard(words, c[3]) >= _SUPPORT]
        cites = [cite.span(doc_id, s, e)] + [cite.span(c[0], c[1], c[2]) for c in support[:3]]
        out.append(briefing_module.BriefingSentence(docs[doc_id].text[s:e], tuple(c for c in cites if c), "extract"))
    return out


@pytest.mark.parametrize("ranked", [briefing_module._RANKED, 1, 3])
def test_the_briefing_chosen_in_passes_is_the_one_chosen_holding_every_sentence(
        monkeypatch: pytest.MonkeyPatch, ranked: int) -> None:
    sample = load_sample()
    case = apply_consolidation(sample, consolidate_case(sample))
    monkeypatch.setattr(briefing_module, "_RANKED", ranked)  # few ranked at first: ranks more until enough
    new = build_briefing(case, extracts=6).to_dict()
    monkeypatch.setattr(briefing_module, "_extracts", _old_extracts)
    old = build_briefing(case, extracts=6).to_dict()
    assert [s for s in new["sentences"] if s["kind"] == "extract"], "the sample has shared sentences"
    assert new == old


def test_shared_strings_decode_like_json_loads() -> None:
    text = json.dumps({"a": [{"name": "Novaya Gazeta", "n": 1}, {"name": "Novaya Gazeta", "x": None}],
                       "b": ["s", "s", 2.5, ["deep"]], "c": "x" * 200, "d": {"a": {"a": "a"}}})
    decoded = _Shared().decoder().decode(text)
    assert decoded == json.loads(text) and list(decoded) == list(json.loads(text))
    assert decoded["a"][0]["name"] is decoded["a"][1]["name"]
