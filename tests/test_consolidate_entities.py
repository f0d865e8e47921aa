"""Entity resolution on hand-built mentions labelled the way the small English model labels them."""

from __future__ import annotations

import hashlib

from corroborator.consolidate import resolve_case_entities, resolve_entities, speaker_entities
from corroborator.model import Document, Mention, ProtectedPerson, mention_id


def doc(text: str, outlet: str | None = None) -> Document:
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    return Document(doc_id, f"{doc_id[:8]}.txt", doc_id, "text/plain", text, outlet=outlet)


def ents(d: Document, *specs: tuple[str, str] | tuple[str, str, int]) -> list[Mention]:
    """Entity mentions of ``d``: ``(surface, label[, nth occurrence])``."""
    out = []
    for spec in specs:
        surface, label, nth = (*spec, 0) if len(spec) == 2 else spec
        start = -1
        for _ in range(nth + 1):
            start = d.text.index(surface, start + 1)
        end = start + len(surface)
        out.append(Mention(mention_id(d.id, "entity", start, end), d.id, start, end, "entity", "entities.test",
                           surface, {"label": label}))
    return out


def entity_of(result, mention: Mention):
    entity_id = result.by_mention[mention.id]
    return next(e for e in result.entities if e.id == entity_id)


def test_consolidate_entities_titles_surnames_and_title_references() -> None:
    a = doc("Chechen leader Ramzan Kadyrov denied the reports on Monday. Kadyrov said the claims were lies.")
    b = doc("The British government says Chechen president Ramzan Kadyrov wants to eliminate the community.")
    c = doc("The Chechen president has called the allegations nonsense. In an interview, Kadyrov repeated the denial.")
    mentions = [*ents(a, ("Chechen", "NORP"), ("Ramzan Kadyrov", "PERSON"), ("Kadyrov", "PERSON", 1)),
                *ents(b, ("British", "NORP"), ("Chechen", "NORP"), ("Ramzan Kadyrov", "PERSON")),
                *ents(c, ("Chechen", "NORP"), ("Kadyrov", "PERSON"))]
    result = resolve_case_entities(mentions, [a, b, c])
    kadyrov = entity_of(result, mentions[1])
    assert {entity_of(result, m).id for m in mentions if "Kadyrov" in m.text} == {kadyrov.id}
    assert kadyrov.name == "Ramzan Kadyrov" and kadyrov.type == "PERSON"
    assert {"Kadyrov", "Chechen leader", "Chechen president"} <= set(kadyrov.aliases)
    # "The Chechen president" in the third report, without a name, is Kadyrov too.
    reference = next(m for m in result.mentions if m.doc_id == c.id and m.attrs["via"] == "title_reference")
    assert reference.text == "Chechen president" and result.by_mention[reference.id] == kadyrov.id
    assert c.text[reference.start:reference.end] == reference.text
    assert any("title" in w for w in kadyrov.why) and any("surname" in w or "named in full" in w for w in kadyrov.why)
    assert entity_of(result, mentions[0]).type == "NORP"


def test_consolidate_entities_newspaper_tagged_person_becomes_org() -> None:
    a = doc("Russian newspaper Novaya Gazeta reported that over 100 men were rounded up.")
    b = doc("One of the authors is Elena Milashina of the Novaya Gazeta, the paper that broke the story. "
            "Milashina’s contribution says lesbian women are now targeted too.")
    mentions = [*ents(a, ("Russian", "NORP"), ("Novaya Gazeta", "PERSON")),
                *ents(b, ("Elena Milashina", "PERSON"), ("Novaya Gazeta", "PERSON"), ("Milashina", "GPE", 1))]
    result = resolve_case_entities(mentions, [a, b])
    paper = entity_of(result, mentions[1])
    assert paper.type == "ORG" and entity_of(result, mentions[3]).id == paper.id
    assert "the paper" in paper.aliases and any("organisation" in w for w in paper.why)
    milashina = entity_of(result, mentions[2])
    assert entity_of(result, mentions[4]).id == milashina.id and milashina.type == "PERSON"
    assert any("labelled GPE" in w for w in milashina.why)


def test_consolidate_entities_honorifics_and_titles_join_one_minister() -> None:
    a = doc("“He has carried out other campaigns,” said Minister of State for Foreign and Commonwealth Affairs "
            "Alan Duncan according to PinkNews.")
    b = doc("“The UK remains deeply concerned,” said FCO minister Sir Alan Duncan.")
    mentions = [*ents(a, ("Alan Duncan", "PERSON"), ("PinkNews", "ORG")), *ents(b, ("UK", "GPE"), ("FCO", "ORG"),
                                                                               ("Alan Duncan", "PERSON"))]
    result = resolve_case_entities(mentions, [a, b])
    duncan = entity_of(result, mentions[0])
    assert entity_of(result, mentions[4]).id == duncan.id
    assert {"FCO minister", "Minister of State for Foreign and Commonwealth Affairs"} <= set(duncan.aliases)
    assert entity_of(result, mentions[3]).id != duncan.id


def test_consolidate_entities_same_name_other_labels_and_acronyms() -> None:
    a = doc("The man told FRANCE 24 he fled to France. Check out the FRANCE 24 video below.")
    b = doc("CNN has interviewed two men who escaped camps in Chechnya.\n© 2017 GCN (Gay Community News). All rights reserved.")
    c = doc("For those who want to help people in Chechnya, there is a fundraiser.")
    mentions = [*ents(a, ("FRANCE 24", "ORG"), ("France", "GPE"), ("FRANCE 24", "ORG", 1)),
                *ents(b, ("CNN", "ORG"), ("Chechnya", "GPE"), ("GCN", "ORG"), ("Gay Community News", "ORG")),
                *ents(c, ("Chechnya", "ORG"))]
    result = resolve_case_entities(mentions, [a, b, c])
    assert entity_of(result, mentions[0]).id == entity_of(result, mentions[2]).id != entity_of(result, mentions[1]).id
    assert entity_of(result, mentions[5]).id == entity_of(result, mentions[6]).id  # GCN = Gay Community News
    chechnya = entity_of(result, mentions[4])
    assert entity_of(result, mentions[7]).id == chechnya.id and chechnya.type == "GPE"


def test_consolidate_entities_second_name_joined_only_when_the_text_supports_it() -> None:
    a = doc("The LGBT Foundation, which is the leading rights group in Russia, has reported that many fled. "
            "The network reported that at least 200 people were held.")
    b = doc("The Russian LGBT Network released a 31-page report on Tuesday.")
    c = doc("Amnesty International said the arrests were unlawful. The group said it would keep counting.")
    mentions = [*ents(a, ("The LGBT Foundation", "ORG"), ("Russia", "GPE")),
                *ents(b, ("The Russian LGBT Network", "ORG")), *ents(c, ("Amnesty International", "ORG"))]
    result = resolve_case_entities(mentions, [a, b, c])
    network = entity_of(result, mentions[2])
    # "The network" refers back to the Foundation but fits only the Network: a shared word ("LGBT") is
    # no reason to make them one; the description is the Network's.
    assert entity_of(result, mentions[0]).id != network.id and not network.why
    # "The group" fits no organisation of the case: it refers back to Amnesty, and nothing is joined.
    amnesty = entity_of(result, mentions[3])
    assert amnesty.id != network.id and not amnesty.why
    described = {m.doc_id: result.by_mention[m.id] for m in result.mentions if m.attrs["via"] == "description"}
    assert described == {a.id: network.id, c.id: amnesty.id}


def test_consolidate_entities_protected_witness_is_never_joined() -> None:
    a = doc("“My car got stopped at a checkpoint,” says ‘Ahmed’ one of the men who escaped.")
    b = doc("Exiled politician Ahmed Zakayev called for an inquiry. Zakayev lives in London.")
    mentions = [*ents(a, ("Ahmed", "PERSON")), *ents(b, ("Ahmed Zakayev", "PERSON"), ("Zakayev", "PERSON", 1),
                                                   ("London", "GPE"))]
    result = resolve_case_entities(mentions, [a, b], [ProtectedPerson(a.id, "Ahmed", ("Ahmed",))])
    witness = entity_of(result, mentions[0])
    assert witness.protected and witness.mention_ids == (mentions[0].id,) and not witness.aliases
    zakayev = entity_of(result, mentions[1])
    assert not zakayev.protected and entity_of(result, mentions[2]).id == zakayev.id


def test_consolidate_entities_ambiguous_surname_stays_apart() -> None:
    a = doc("John Smith, a lawyer, filed the case. Smith said he expected a ruling.")
    b = doc("Mary Smith, a doctor, treated the wounded. Smith said ten were in hospital.")
    c = doc("Smith declined to comment.")
    mentions = [*ents(a, ("John Smith", "PERSON"), ("Smith", "PERSON", 1)),
                *ents(b, ("Mary Smith", "PERSON"), ("Smith", "PERSON", 1)), *ents(c, ("Smith", "PERSON"))]
    entities, by_mention = resolve_entities(mentions, documents=[a, b, c])
    assert by_mention[mentions[1].id] == by_mention[mentions[0].id]
    assert by_mention[mentions[3].id] == by_mention[mentions[2].id] != by_mention[mentions[0].id]
    assert by_mention[mentions[4].id] not in {by_mention[mentions[0].id], by_mention[mentions[2].id]}
    assert len(entities) == 3


def test_consolidate_entities_work_without_documents_and_map_speakers() -> None:
    a = doc("“We will keep urging Russia,” said FCO minister Sir Alan Duncan on Friday.")
    mentions = ents(a, ("Russia", "GPE"), ("FCO", "ORG"), ("Alan Duncan", "PERSON"))
    entities, by_mention = resolve_entities(mentions)  # names only
    assert len(entities) == 3 and set(by_mention) == {m.id for m in mentions}
    start = a.text.index("FCO minister")
    speaker = Mention(mention_id(a.id, "speaker", start, start + 31), a.id, start, start + 31, "speaker", "quotes.test",
                      a.text[start:start + 31])
    assert speaker.text == "FCO minister Sir Alan Duncan on"
    quote = Mention(mention_id(a.id, "quote", 1, 30), a.id, 1, 30, "quote", "quotes.test", a.text[1:30])
    speakers = speaker_entities([(quote.id, speaker.id)], {m.id: m for m in [*mentions, speaker, quote]}, by_mention)
    assert speakers == {quote.id: by_mention[mentions[2].id]}
    b = doc("A spokesperson for Kadyrov said “you can’t detain someone who doesn’t exist”.")
    kadyrov = ents(b, ("Kadyrov", "PERSON"))
    spokesperson = Mention(mention_id(b.id, "speaker", 0, 26), b.id, 0, 26, "speaker", "quotes.test", b.text[:26])
    _, by_mention = resolve_entities(kadyrov)
    assert speaker_entities([("q", spokesperson.id)], {m.id: m for m in [*kadyrov, spokesperson]}, by_mention) == {"q": None}
