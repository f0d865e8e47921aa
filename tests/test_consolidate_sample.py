"""Consolidation of the sample case (examples/chechnya-2017) against a hand-written gold.

The entity mentions are the small English model's output recorded in the gold file, the
figures are built by hand as the figure extractor produces them, and the noise lines
are labelled by hand, so these tests run without spaCy and without the other stages.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest

from corroborator.consolidate import consolidate_case
from corroborator.consolidate._names import normalise_name
from corroborator.model import (
    OWN_TEXT_NOISE_KINDS,
    Case,
    Document,
    Event,
    Figure,
    Mention,
    NoiseSpan,
    ProtectedPerson,
    mention_id,
    span_in_noise,
)
from corroborator.text import sentences

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "chechnya-2017"
GOLD = json.loads((Path(__file__).parent / "gold" / "consolidate_chechnya.json").read_text(encoding="utf-8"))
PROTECTED = {"000_42d309905ccddbbf.txt": ("Azmad",), "004_aefdb54a032392ff.txt": ("Ahmed",)}


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line.rstrip())))
        pos += len(line) + 1
    return spans


def _sentence_of(text: str, start: int) -> tuple[int, int]:
    return next(s for s in sentences(text) if s[0] <= start < s[1])


def sample_figures(doc: Document, specs: list[dict]) -> list[Figure]:
    """Figures of one sample report, built from the gold's phrases."""
    figures = []
    for spec in specs:
        start = doc.text.index(spec["find"])
        end = start + len(spec["find"])
        s0, s1 = _sentence_of(doc.text, start)
        attrs: dict = {"sentence": [s0, s1]}
        source = spec.get("source")
        if source:
            a0 = doc.text.index(source, s0, s1)
            attrs["attribution_span"] = [a0, a0 + len(source)]
        for key in ("relayed_by", "noise_kind", "in_noise"):
            if key in spec:
                attrs[key] = spec[key]
        mention = Mention(mention_id(doc.id, "figure", start, end), doc.id, start, end, "figure", "figures.gold",
                          spec["find"], attrs)
        figures.append(Figure(mention, spec["event"], spec["value"], spec["qualifier"], spec["subject"], source,
                              spec["when"]))
    return figures


def load_sample() -> Case:
    """The sample case as the per-document stages would leave it (no entities or claims yet)."""
    case = Case()
    for name, gold in GOLD["documents"].items():
        raw = (SAMPLE / name).read_bytes()
        text = raw.decode("utf-8")
        doc_id = hashlib.sha256(raw).hexdigest()
        lines = _line_spans(text)
        noise = tuple(NoiseSpan(*lines[int(n) - 1], kind) for n, kind in gold["noise"].items())
        doc = Document(doc_id, str(SAMPLE / name), doc_id, "text/plain", text, title=gold["title"],
                       outlet=gold["outlet"], published=gold["published"], noise=noise)
        case.documents.append(doc)
        for start, end, label, surface in gold["ner"]:
            assert text[start:end] == surface
            attrs = {"label": label, **({"in_noise": True} if span_in_noise(noise, start, end) else {})}
            m = Mention(mention_id(doc_id, "entity", start, end), doc_id, start, end, "entity", "entities.spacy.v1",
                        surface, attrs)
            case.mentions[m.id] = m
        figures = sample_figures(doc, gold["figures"])
        case.figures.extend(figures)
        case.mentions.update((f.mention.id, f.mention) for f in figures)
        for label in PROTECTED.get(name, ()):
            case.protected.append(ProtectedPerson(doc_id, label, (label,)))
    return case


def sample_events(case: Case) -> list[Event]:
    """A few dated sentences of the sample, as the events stage gives them."""
    events = []
    for doc, needle, date, precision in [
        (0, "Novaya Gazeta first reported in April", "2017-04", "month"),
        (3, "In April, Novaya Gazeta reported", "2017-04", "month"),
        (2, "The network reported that in the summer of 2017", "2017-summer", "season"),
    ]:
        d = case.documents[doc]
        s, e = _sentence_of(d.text, d.text.index(needle))
        m = Mention(mention_id(d.id, "event", s, e), d.id, s, e, "event", "events.gold", d.text[s:e], {})
        case.mentions[m.id] = m
        events.append(Event(m.id, d.id, date, precision, d.text[s:e], (m.id,)))
    return events


@pytest.fixture(scope="module")
def sample() -> tuple[Case, object]:
    case = load_sample()
    case.events = sample_events(case)
    return case, consolidate_case(case)


def _figure(case: Case, find: str) -> Figure:
    return next(f for f in case.figures if f.mention.text == find)


def _entity_of(result, name: str):
    return next(e for e in result.entities if e.name == name)


# -- entities ------------------------------------------------------------------------------
def _own_text(case: Case, m: Mention) -> bool:
    """Whether a mention is in the report's own text (not a caption, credit, teaser or other noise)."""
    doc = next(d for d in case.documents if d.id == m.doc_id)
    noise = doc.in_noise(m.start, m.end)
    return noise is None or noise.kind in OWN_TEXT_NOISE_KINDS


def test_consolidate_sample_caption_and_credit_names_feed_no_entity(sample) -> None:
    case, result = sample
    noisy = [m for m in case.mentions.values() if m.kind == "entity" and not _own_text(case, m)]
    assert noisy and not any(m.id in result.by_mention for m in noisy)
    names = {e.name for e in result.entities}
    assert not names & {"JUSTIN", "Photo", "AFP/Justin Tallis / Getty"}
    # Kadyrov's "Chechen Prime Minister" came from a 2006 photo caption.
    assert "Chechen Prime Minister" not in _entity_of(result, "Ramzan Kadyrov").aliases


def test_consolidate_sample_entities_quality_gate(sample) -> None:
    case, result = sample
    gold_of = {normalise_name(s): i for i, g in enumerate(GOLD["entities"]) for s in g["surfaces"]}
    # Mentions in captions, credits and teasers feed no entity: the gold counts the reports' own text.
    labelled = [(m.id, gold_of[normalise_name(m.text)]) for m in case.mentions.values()
                if m.kind == "entity" and normalise_name(m.text) in gold_of and _own_text(case, m)]
    tp = fp = fn = 0
    for (a, ga), (b, gb) in itertools.combinations(labelled, 2):
        same = result.by_mention.get(a) == result.by_mention.get(b) is not None
        tp += same and ga == gb
        fp += same and ga != gb
        fn += not same and ga == gb
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nentity pairs on {len(labelled)} gold mentions: precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.98 and recall >= 0.95
    names = {e.name: e for e in result.entities}
    for gold in GOLD["entities"]:
        entity = names.get(gold["name"])
        assert entity is not None, gold["name"]
        assert entity.type == gold["type"], (gold["name"], entity.type)
        assert set(gold.get("aliases", ())) <= set(entity.aliases), (gold["name"], entity.aliases)
        assert entity.protected == gold.get("protected", False)


def test_consolidate_sample_done_when_entities_resolve_to_one(sample) -> None:
    case, result = sample
    keys = ("kadyrov", "putin", "duncan", "mélanie", "milashina", "novaya gazeta", "russian lgbt network", "chechnya")
    for key in keys:
        found = {result.by_mention[m.id] for m in case.mentions.values()
                 if m.kind == "entity" and m.attrs["label"] != "NORP" and key in normalise_name(m.text)
                 and _own_text(case, m)}
        assert len(found) == 1, (key, found)
    kadyrov = _entity_of(result, "Ramzan Kadyrov")
    assert {"Chechen leader", "Chechen president", "Kadyrov"} <= set(kadyrov.aliases)


def test_consolidate_sample_merges_are_explained(sample) -> None:
    _, result = sample
    assert any("surname" in w for w in _entity_of(result, "Elena Milashina").why)
    assert any("organisation" in w for w in _entity_of(result, "Novaya Gazeta").why)
    # "The LGBT Foundation ... The network": the description is the Network's (it fits only it), but a
    # shared word "LGBT" is no reason to make the Foundation the Network.
    network = _entity_of(result, "The Russian LGBT Network")
    assert "The LGBT Foundation" not in network.aliases and "The network" in network.aliases
    assert _entity_of(result, "The LGBT Foundation").id != network.id
    for m in result.new_mentions:
        doc = next(d for d in load_sample().documents if d.id == m.doc_id)
        assert doc.text[m.start:m.end] == m.text


# -- provenance, claims, totals ---------------------------------------------------------------
def test_consolidate_sample_provenance_names_original_sources(sample) -> None:
    case, result = sample
    expected = {
        "over 100 gay men had been detained": "Novaya Gazeta",
        "over 100 men in the southern Russian republic of Chechnya were rounded up": "Novaya Gazeta",
        "over 100 gay men had disappeared": "Novaya Gazeta",
        "At least three men are now dead": "Novaya Gazeta",
        "at least 200 gay people were held": "The Russian LGBT Network",
        "relocation of 64 people": "The Russian LGBT Network",
        "evacuated and re-homed 64 gay Chechen men": "The Russian LGBT Network",
    }
    for find, source in expected.items():
        prov = result.figure_sources[_figure(case, find).mention.id]
        assert prov.source.name == source, (find, prov)
    held = result.figure_sources[_figure(case, "at least 200 gay people were held").mention.id]
    assert held.relayed_by == ("The Moscow Times",)


def test_consolidate_sample_over_100_is_one_claim_of_one_source(sample) -> None:
    case, result = sample
    ids = {_figure(case, f).mention.id for f in ("over 100 gay men had been detained",
                                                 "over 100 men in the southern Russian republic of Chechnya were rounded up")}
    claim = next(c for c in result.claims if ids & set(c.figure_ids))
    assert set(claim.figure_ids) == ids
    assert (claim.event, claim.independent_sources, claim.status) == ("detained", 1, "single_source")
    assert "Novaya Gazeta" in claim.note and "2017-04" in claim.note
    # "Disappeared" is not "detained": the text never equates them, so it is a claim of its own.
    gone = _figure(case, "over 100 gay men had disappeared").mention.id
    apart = next(c for c in result.claims if gone in c.figure_ids)
    assert apart.event == "disappeared" and apart.figure_ids == (gone,) and "disappeared" in result.totals


def test_consolidate_sample_detained_total_is_at_least_200_with_both_sources(sample) -> None:
    case, result = sample
    total = result.totals["detained"]
    assert (total["best"], total["qualifier"], total["low"], total["high"]) == (200, "at_least", 100, 200)
    assert len(total["claims"]) == 2 and {"Novaya Gazeta", "The Russian LGBT Network"} <= set(total["sources"])
    held = _figure(case, "at least 200 gay people were held").mention
    assert [(c["doc"], c["start"], c["end"]) for c in total["citations"]] == [(held.doc_id, held.start, held.end)]
    print("\ndetained:", total["note"])


def test_consolidate_sample_three_dead_is_one_source_and_teasers_count_for_nothing(sample) -> None:
    case, result = sample
    killed = [c for c in result.claims if c.event == "killed"]
    assert len(killed) == 1 and killed[0].independent_sources == 1 and killed[0].status == "single_source"
    assert len(killed[0].figure_ids) == 2
    total = result.totals["killed"]
    assert (total["best"], total["low"], total["high"]) == (3, 3, 3)
    teaser_ids = {f.mention.id for f in case.figures if f.value in (27, 56)}
    assert not teaser_ids & {fid for c in result.claims for fid in c.figure_ids}


def test_consolidate_sample_claims_quality_gate(sample) -> None:
    case, result = sample
    gold_claims = [
        ["over 100 gay men had been detained", "over 100 men in the southern Russian republic of Chechnya were rounded up"],
        ["over 100 gay men had disappeared"],
        ["at least 200 gay people were held"],
        ["at least three feared dead", "At least three men are now dead"],
        ["over 100 gay men had been detained and tortured"],
        ["Thirty-six people suffered"],
        ["Over 100 gay people have fled", "Over 100 gay and bisexual Chechen men and women have fled"],
        ["evacuated and re-homed 64 gay Chechen men", "relocation of 64 people"],
    ]
    gold_sources = [1, 1, 1, 1, 1, 1, 1, 1]
    claim_of = {fid: c.id for c in result.claims for fid in c.figure_ids}
    gold_of = {_figure(case, f).mention.id: i for i, group in enumerate(gold_claims) for f in group}
    tp = fp = fn = 0
    for (a, ga), (b, gb) in itertools.combinations(gold_of.items(), 2):
        same = claim_of.get(a) == claim_of.get(b) is not None
        tp, fp, fn = tp + (same and ga == gb), fp + (same and ga != gb), fn + (not same and ga == gb)
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    by_id = {c.id: c for c in result.claims}
    right_sources = sum(by_id[claim_of[_figure(case, g[0]).mention.id]].independent_sources == n
                        for g, n in zip(gold_claims, gold_sources))
    print(f"\nclaim grouping pairs: precision {precision:.3f} recall {recall:.3f}; "
          f"independent source counts right {right_sources}/{len(gold_claims)}")
    assert precision >= 0.95 and recall >= 0.95 and right_sources == len(gold_claims)
    assert len(result.claims) == len(gold_claims)
