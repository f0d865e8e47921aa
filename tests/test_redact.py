"""Redaction: no protected name survives anywhere, and every span stays exact.

``make_case`` builds the small hand-written case the export and report tests share.
"""

from __future__ import annotations

import json

import pytest

from corroborator.outputs.export import case_to_dict
from corroborator.model import (
    Case,
    Claim,
    Document,
    Entity,
    Event,
    Figure,
    Mention,
    NoiseSpan,
    ProtectedPerson,
    Quote,
    mention_id,
)
from corroborator.outputs.redact import RedactionError, assert_redacted, assign_pseudonyms, proper_names, redact_case

DOC_A = "aaaa1111" * 8
DOC_B = "bbbb2222" * 8
TEXT_A = """\
Photo: Demonstrators outside the embassy in London. (Photo credit: Jane Roe/AFP)
A 26-year-old man spoke to AFP using the pseudonym Azmad.
"At home, I didn't know calm," Azmad says.
Novaya Gazeta reported in April 2017 that over 100 gay men had been detained.
"He left with just the clothes on his back," says Guillaume Mélanie of Azmad.
Azmad's mother does not know where he is.
"""
TEXT_B = """\
Men who fled describe torture
‘Ahmed’* told CNN: “They tied wires to my hands,” he says.
“They beat me with their fists,” said one person who was arrested.
AZMAD, who fled to France, was also interviewed.
Ramzan Kadyrov denied the reports. “They do not exist,” Kadyrov said.
At least 200 people were held in the summer of 2017, the Russian LGBT Network said.
*The name has been changed to protect the person’s identity.
© 2017 Example News. All rights reserved.
"""
PROTECTED_NAMES = ("Azmad", "Ahmed")
OFFICIALS = ("Ramzan Kadyrov", "Guillaume Mélanie", "Novaya Gazeta", "Russian LGBT Network")


def span(doc_id: str, text: str, kind: str, needle: str, nth: int = 0, **attrs: object) -> Mention:
    """The ``nth`` occurrence of ``needle`` in ``text`` as an exact mention."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    end = start + len(needle)
    return Mention(mention_id(doc_id, kind, start, end), doc_id, start, end, kind, f"test.{kind}.v1", needle, dict(attrs))


def line_noise(text: str, line: str, kind: str) -> NoiseSpan:
    """A noise span covering one line of ``text``."""
    start = text.index(line)
    return NoiseSpan(start, start + len(line), kind)


def make_case() -> Case:
    """Two reports with noise, two protected witnesses (one in both), officials, figures, a claim."""
    doc_a = Document(DOC_A, "reports/azmad_afp.txt", DOC_A, "text/plain", TEXT_A, title="Azmad tells of his escape",
                     outlet="SBS", author="Michaela Morgan", published="2017-06-05",
                     noise=(line_noise(TEXT_A, TEXT_A.splitlines()[0], "caption"),))
    doc_b = Document(DOC_B, "reports/cnn.txt", DOC_B, "text/plain", TEXT_B, title="Men who fled describe torture",
                     outlet="GCN", published="2017",
                     noise=(line_noise(TEXT_B, "Men who fled describe torture", "headline"),
                            line_noise(TEXT_B, TEXT_B.splitlines()[-1], "footer")))
    azmad = [span(DOC_A, TEXT_A, "entity", "Azmad", i, label="PERSON") for i in range(4)]
    azmad.append(span(DOC_B, TEXT_B, "entity", "AZMAD", label="PERSON"))
    ahmed = span(DOC_B, TEXT_B, "entity", "Ahmed", label="PERSON")
    mother = span(DOC_A, TEXT_A, "entity", "Azmad's mother", label="PERSON")
    melanie = span(DOC_A, TEXT_A, "entity", "Guillaume Mélanie", label="PERSON")
    kadyrov = [span(DOC_B, TEXT_B, "entity", "Ramzan Kadyrov", label="PERSON"),
               span(DOC_B, TEXT_B, "entity", "Kadyrov", 1, label="PERSON")]
    gazeta = span(DOC_A, TEXT_A, "entity", "Novaya Gazeta", label="ORG")
    network = span(DOC_B, TEXT_B, "entity", "Russian LGBT Network", label="ORG")
    dates = [span(DOC_A, TEXT_A, "date", "April 2017"), span(DOC_B, TEXT_B, "date", "the summer of 2017")]
    evidence = [span(DOC_A, TEXT_A, "protection", "using the pseudonym Azmad"),
                span(DOC_B, TEXT_B, "protection", "*The name has been changed to protect the person’s identity.")]
    quotes = [
        Quote(span(DOC_A, TEXT_A, "quote", "At home, I didn't know calm,", speaker_text="Azmad"), "Azmad",
              azmad[1].id, "person:azmad", protected=True),
        Quote(span(DOC_A, TEXT_A, "quote", "He left with just the clothes on his back,"), "Guillaume Mélanie",
              melanie.id, "person:guillaume-melanie"),
        Quote(span(DOC_B, TEXT_B, "quote", "They tied wires to my hands,"), "Ahmed", ahmed.id, None, protected=True,
              reported_by="CNN"),
        Quote(span(DOC_B, TEXT_B, "quote", "They beat me with their fists,"), "one person who was arrested",
              protected=True),
        Quote(span(DOC_B, TEXT_B, "quote", "They do not exist,"), "Kadyrov", kadyrov[1].id, "person:ramzan-kadyrov"),
    ]
    figures = [
        Figure(span(DOC_A, TEXT_A, "figure", "over 100 gay men"), "detained", 100, "more_than", "gay men",
               "Novaya Gazeta", "2017-04"),
        Figure(span(DOC_B, TEXT_B, "figure", "At least 200 people"), "detained", 200, "at_least", "people",
               "Russian LGBT Network", "2017-summer"),
    ]
    entities = [
        Entity("person:azmad", "Azmad", "PERSON", ("the young man",), tuple(m.id for m in azmad), True,
               ("AFP: pseudonym Azmad",)),
        Entity("person:ahmed", "Ahmed", "PERSON", (), (ahmed.id,), True),
        Entity("person:mother", "Azmad's mother", "PERSON", (), (mother.id,)),
        Entity("person:guillaume-melanie", "Guillaume Mélanie", "PERSON", ("Mélanie",), (melanie.id,)),
        Entity("person:ramzan-kadyrov", "Ramzan Kadyrov", "PERSON", ("Kadyrov",), tuple(m.id for m in kadyrov)),
        Entity("org:novaya-gazeta", "Novaya Gazeta", "ORG", (), (gazeta.id,)),
        Entity("org:russian-lgbt-network", "Russian LGBT Network", "ORG", (), (network.id,)),
    ]
    events = [
        Event("event:a:1", DOC_A, "2017-04", "month", "Novaya Gazeta reported detentions; Azmad fled", (dates[0].id,)),
        Event("event:b:1", DOC_B, "2017-summer", "season", "At least 200 people held", (dates[1].id,)),
    ]
    claim = Claim("claim:detained:1", "detained", 100, 200, tuple(f.mention.id for f in figures), 2, "conflicting",
                  "Novaya Gazeta and the Russian LGBT Network disagree")
    every = [*azmad, ahmed, mother, melanie, *kadyrov, gazeta, network, *dates, *evidence,
             *(q.mention for q in quotes), *(f.mention for f in figures)]
    return Case(
        documents=[doc_a, doc_b],
        mentions={m.id: m for m in every},
        entities=entities, quotes=quotes, figures=figures, events=events, claims=[claim],
        protected=[ProtectedPerson(DOC_A, "Azmad", ("Azmad",), evidence[0]),
                   ProtectedPerson(DOC_B, "Ahmed", ("Ahmed", "‘Ahmed’*"), evidence[1]),
                   ProtectedPerson(DOC_B, "one person who was arrested")],
        totals={"detained": {"best": 100, "low": 100, "high": 200, "claims": ["claim:detained:1"],
                             "note": "most conservative credible figure (ACLED rule)"}},
    )


def all_mentions(case: Case) -> list[Mention]:
    """Every mention object held anywhere in a case."""
    return [*case.mentions.values(), *(q.mention for q in case.quotes), *(f.mention for f in case.figures),
            *(p.evidence for p in case.protected if p.evidence is not None)]


def exported_mentions(data: dict) -> list[dict]:
    """Every mention dict of an export."""
    return [*(m for e in data["entities"] for m in e["mentions"]), *data["quotes"], *data["figures"],
            *(m for e in data["events"] for m in e["mentions"])]


def test_redact_fixture_is_exact():
    case = make_case()
    texts = {d.id: d.text for d in case.documents}
    assert all(texts[m.doc_id][m.start:m.end] == m.text for m in all_mentions(case))


@pytest.mark.parametrize("withhold", [False, True])
def test_redact_no_protected_name_anywhere_in_json(withhold: bool):
    redacted = redact_case(make_case(), withhold_testimony=withhold)
    data = case_to_dict(redacted)
    for dump in (json.dumps(data, ensure_ascii=False).casefold(), json.dumps(data).casefold()):
        for name in PROTECTED_NAMES:
            assert name.casefold() not in dump


def test_redact_keeps_the_words_of_protected_testimony():
    data = json.dumps(case_to_dict(redact_case(make_case())), ensure_ascii=False)
    assert "They tied wires to my hands," in data and "At home, I didn't know calm," in data


def test_redact_withhold_testimony_replaces_the_words_of_protected_quotes():
    redacted = redact_case(make_case(), withhold_testimony=True)
    data = json.dumps(case_to_dict(redacted))
    assert "tied wires" not in data and "didn't know calm" not in data and "beat me" not in data
    assert [q.mention.text for q in redacted.quotes if q.protected] == ["[testimony withheld]"] * 3
    # The speaker labels and spans stay.
    assert [q.speaker_label for q in redacted.quotes if q.protected] == ["[Witness 1]", "[Witness 2]", "[Witness 3]"]
    texts = {d.id: d.text for d in redacted.documents}
    assert all(texts[q.mention.doc_id][q.mention.start:q.mention.end] == q.mention.text for q in redacted.quotes)
    assert redacted.quotes[1].mention.text == "He left with just the clothes on his back,"


def test_redact_offsets_exact_for_every_mention_of_every_kind():
    case = make_case()
    redacted = redact_case(case)
    texts = {d.id: d.text for d in redacted.documents}
    mentions = all_mentions(redacted)
    machine = {m.id: m for m in all_mentions(case)}
    assert {m.kind for m in mentions} == {"entity", "date", "protection", "quote", "figure"}
    moved = 0
    for m in mentions:
        assert texts[m.doc_id][m.start:m.end] == m.text, m
        # The span moves with the text; the id stays the machine's, so the item has one id everywhere.
        assert m.id in machine and (machine[m.id].kind, machine[m.id].doc_id) == (m.kind, m.doc_id)
        moved += (machine[m.id].start, machine[m.id].end) != (m.start, m.end)
    assert moved  # redaction did move spans: the ids are not recomputed from them
    data = case_to_dict(redacted)
    doc_texts = {d["id"]: d["text"] for d in data["documents"]}
    for m in exported_mentions(data):
        assert doc_texts[m["doc"]][m["start"]:m["end"]] == m["text"], m
    for d in redacted.documents:
        for n in d.noise:
            assert 0 <= n.start < n.end <= len(d.text)
    footer = redacted.documents[1].noise[1]
    assert redacted.documents[1].text[footer.start:footer.end] == "© 2017 Example News. All rights reserved."
    # Every reference still resolves after ids were recomputed from the new offsets.
    for e in redacted.entities + redacted.events:
        assert all(i in redacted.mentions for i in e.mention_ids)
    figure_ids = {f.mention.id for f in redacted.figures}
    assert set(redacted.claims[0].figure_ids) <= figure_ids


def test_redact_same_witness_gets_same_pseudonym_in_two_documents():
    redacted = redact_case(make_case())
    doc_a, doc_b = redacted.documents
    assert "using the pseudonym [Witness 1]." in doc_a.text
    assert "[Witness 1]'s mother" in doc_a.text
    assert "[Witness 1], who fled to France" in doc_b.text
    assert "‘[Witness 2]’* told CNN" in doc_b.text
    assert doc_a.title == "[Witness 1] tells of his escape"
    speakers = [q.speaker_label for q in redacted.quotes]
    assert speakers == ["[Witness 1]", "Guillaume Mélanie", "[Witness 2]", "[Witness 3]", "Kadyrov"]
    assert [p.label for p in redacted.protected] == ["[Witness 1]", "[Witness 2]", "[Witness 3]"]
    witness = {e.id: e for e in redacted.entities}["witness:1"]
    # Every alias of a protected witness is replaced, even a description ("the young man").
    assert (witness.name, witness.aliases, witness.protected) == ("[Witness 1]", (), True)
    assert "the young man" not in json.dumps(case_to_dict(redacted))
    assert redacted.quotes[0].speaker == "witness:1"
    assert assign_pseudonyms(make_case()).count == 3


def test_redact_officials_and_descriptions_untouched():
    original, redacted = make_case(), redact_case(make_case())
    dump = json.dumps(case_to_dict(redacted), ensure_ascii=False)
    for name in OFFICIALS:
        assert name in dump
    assert redacted.quotes[1] .mention.text == original.quotes[1].mention.text
    assert redacted.quotes[4].mention.text == "They do not exist,"
    assert [f.attributed_to for f in redacted.figures] == ["Novaya Gazeta", "Russian LGBT Network"]
    # A description identifies no one and stays in the text, and so do the words of the quote.
    assert "“They beat me with their fists,” said one person who was arrested." in redacted.documents[1].text
    assert redacted.quotes[3].mention.text == "They beat me with their fists,"
    assert redacted.quotes[3].speaker_label == "[Witness 3]"
    withheld = redact_case(make_case(), withhold_testimony=True)
    assert "“[testimony withheld]” said one person who was arrested." in withheld.documents[1].text
    assert redacted.figures[1].mention.text == "At least 200 people"
    assert redacted.totals == original.totals and redacted.claims[0].note == original.claims[0].note


def test_redact_overlapping_mention_text_recomputed():
    text = "Azmad says Ali Ahmed and ALI\u00a0AHMED met; Ahmedov did not.\n"
    doc = Document("c" * 64, "x.txt", "c" * 64, "text/plain", text)
    inside = Mention("part", doc.id, 1, 10, "other", "test", text[1:10])  # "zmad says"
    around = span(doc.id, text, "entity", "Azmad says Ali")
    case = Case(documents=[doc], mentions={"part": inside, around.id: around},
                protected=[ProtectedPerson(doc.id, "Azmad", ("Azmad",)), ProtectedPerson(doc.id, "Mr Ali Ahmed")])
    redacted = redact_case(case)
    new_text = redacted.documents[0].text
    assert new_text == "[Witness 1] says [Witness 2] and [Witness 2] met; Ahmedov did not.\n"
    got = {m.kind: m for m in redacted.mentions.values()}
    assert got["other"].text == "[Witness 1] says"  # a span starting inside a name grows to cover the pseudonym
    assert got["entity"].text == "[Witness 1] says [Witness 2]"
    for m in redacted.mentions.values():
        assert new_text[m.start:m.end] == m.text


def test_redact_is_deterministic_and_leaves_input_untouched():
    case = make_case()
    before = json.dumps(case_to_dict(case), ensure_ascii=False)
    first = json.dumps(case_to_dict(redact_case(case)), ensure_ascii=False)
    assert json.dumps(case_to_dict(case), ensure_ascii=False) == before
    assert json.dumps(case_to_dict(redact_case(make_case())), ensure_ascii=False) == first


def test_redact_without_protected_people_changes_nothing():
    case = make_case()
    case.protected = []
    case.entities = [e for e in case.entities if not e.protected]
    case.quotes = [q for q in case.quotes if not q.protected]
    assert case_to_dict(redact_case(case)) == case_to_dict(case)


def test_redact_proper_names_rules():
    assert proper_names("Azmad") == ["Azmad"]
    assert proper_names("‘Ahmed’*") == ["Ahmed"]
    assert proper_names("Mr Ali Ahmed") == ["Mr Ali Ahmed", "Ali Ahmed", "Ahmed", "Ali"]
    assert proper_names("Zelimkhan Bakaev, 27") == ["Zelimkhan Bakaev", "Bakaev", "Zelimkhan"]
    assert proper_names("al-Ahmed Abu Omar") == ["al-Ahmed Abu Omar", "Omar", "al-Ahmed"]
    assert proper_names("Ahmed, a gay man") == ["Ahmed"]
    assert proper_names("Azmad (not his real name)") == ["Azmad"]
    for description in ("the man", "The Man", "one person who was arrested", "Anonymous Survivor 1",
                        "anonymous survivor 1", "A", None, "[Witness 2]"):
        assert proper_names(description) == [], description


def test_redact_quote_of_protected_speaker_is_protected_even_if_unmarked():
    case = make_case()
    q = case.quotes[0]
    case.quotes[0] = Quote(q.mention, q.speaker_label, q.speaker_mention_id, q.speaker, protected=False)
    redacted = redact_case(case)
    assert redacted.quotes[0].protected and redacted.quotes[0].speaker_label == "[Witness 1]"
    assert redacted.quotes[0].mention.text == "At home, I didn't know calm,"
    withheld = redact_case(case, withhold_testimony=True)
    assert withheld.quotes[0].protected and withheld.quotes[0].mention.text == "[testimony withheld]"


def test_redact_scrubs_names_hidden_in_attrs_ids_and_paths():
    redacted = redact_case(make_case())
    assert redacted.quotes[0].mention.attrs == {"speaker_text": "[Witness 1]"}
    assert redacted.documents[0].path == "reports/[Witness 1]_afp.txt"
    assert "person:azmad" not in json.dumps(case_to_dict(redacted))
    assert redacted.entities[0].why == ("AFP: pseudonym [Witness 1]",)


def test_redact_final_check_fails_closed():
    case = make_case()
    with pytest.raises(RedactionError) as info:
        assert_redacted("a note about azmad", case, where="test output")
    assert "azmad" not in str(info.value).casefold()
    assert_redacted("[Witness 1] and Ahmedov", case)


def test_redact_sample_corpus_keeps_officials_and_hides_witnesses():
    from tests.conftest import SAMPLE

    docs, mentions, protected, quotes = [], {}, [], []
    for i, path in enumerate(sorted(SAMPLE.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        caption = text.splitlines()[0]
        doc = Document(f"{i:02d}" * 32, path.name, f"{i:02d}" * 32, "text/plain", text,
                       noise=(NoiseSpan(0, len(caption), "caption"),))
        docs.append(doc)
        for name in ("Azmad", "Ahmed", "Ramzan Kadyrov", "Elena Milashina", "Guillaume Mélanie"):
            start = text.find(name)
            while start >= 0:
                m = Mention(mention_id(doc.id, "entity", start, start + len(name)), doc.id, start, start + len(name),
                            "entity", "test", name)
                mentions[m.id] = m
                start = text.find(name, start + 1)
        if "Azmad" in text or "Ahmed" in text:
            label = "Azmad" if "Azmad" in text else "Ahmed"
            protected.append(ProtectedPerson(doc.id, label, (label,)))
            first, last = ("My car", "checkpoint,") if label == "Ahmed" else ("I am going", "to forget,")
            start, end = text.index(first), text.index(last) + len(last)
            q = Mention(mention_id(doc.id, "quote", start, end), doc.id, start, end, "quote", "test", text[start:end])
            quotes.append(Quote(q, label, protected=True))
    case = Case(documents=docs, mentions=mentions, quotes=quotes, protected=protected,
                entities=[Entity("w1", "Azmad", "PERSON", (), tuple(i for i in mentions if mentions[i].text == "Azmad"), True)])
    redacted = redact_case(case)
    joined = "\n".join(d.text for d in redacted.documents)
    assert "azmad" not in joined.casefold() and "ahmed" not in joined.casefold()
    # The testimony stays, word for word.
    assert "try to forget" in joined and "police checkpoint" in joined
    assert [q.mention.text for q in redacted.quotes] == [q.mention.text for q in quotes]
    for name in ("Ramzan Kadyrov", "Elena Milashina", "Guillaume Mélanie", "Novaya Gazeta", "one person who was arrested"):
        assert joined.count(name) == sum(d.text.count(name) for d in docs), name
    # Six names; one name.
    assert joined.count("[Witness 1]") == 6 and joined.count("[Witness 2]") == 1
    withheld = "\n".join(d.text for d in redact_case(case, withhold_testimony=True).documents)
    assert "try to forget" not in withheld and "police checkpoint" not in withheld
    assert withheld.count("[Witness 1]") == 6 and withheld.count("[testimony withheld]") == 2
    for m in all_mentions(redacted):
        assert {d.id: d.text for d in redacted.documents}[m.doc_id][m.start:m.end] == m.text
    for before, after in zip(docs, redacted.documents):
        caption = after.noise[0]
        assert after.text[caption.start:caption.end] == before.text.splitlines()[0]


def test_redact_quote_by_a_protected_description_is_protected():
    case = make_case()
    q = case.quotes[3]
    case.quotes[3] = Quote(q.mention, q.speaker_label, protected=False)
    redacted = redact_case(case)
    assert redacted.quotes[3].protected and redacted.quotes[3].speaker_label == "[Witness 3]"
    assert "beat me" in redacted.documents[1].text
    assert "beat me" not in redact_case(case, withhold_testimony=True).documents[1].text
