"""Provenance: the original source of figures and quotes, and the merged timeline."""

from __future__ import annotations

from corroborator.consolidate import (
    SourceNames,
    build_timeline,
    figure_provenance,
    quote_provenance,
    resolve_case_entities,
)
from corroborator.model import Event, Mention, Quote, mention_id
from tests.test_consolidate_claims import fig, make_doc, ner

RELAY = """\
Thousands flee fighting in Northfield
The network reported that in the summer, at least 200 men were held in secret prisons, reports The Moscow Times. \
At least three men are now dead.
Thirty people were injured in clashes on Friday.
"They beat us every night," one man told FRANCE 24. "We were held for weeks," another said according to PinkNews.
"""


def _names(docs, mentions):
    res = resolve_case_entities(mentions, docs)
    return SourceNames(res.entities, res.by_mention, [*mentions, *res.mentions])


def test_consolidate_provenance_relays_inheritance_and_first_hand() -> None:
    doc = make_doc(RELAY, "Eastern Daily", "2018-07-02")
    mentions = [ner(doc, "The Moscow Times", "ORG"), ner(doc, "FRANCE 24", "ORG"), ner(doc, "PinkNews", "ORG")]
    held = fig(doc, "at least 200 men were held", "detained", 200, "at_least", source="The network",
               relayed_by=["The Moscow Times"])
    dead = fig(doc, "At least three men are now dead", "killed", 3, "at_least")
    injured = fig(doc, "Thirty people were injured", "injured", 30, when="2018-06-29")
    prov = figure_provenance([held, dead, injured], [doc], _names([doc], mentions))
    assert prov[held.mention.id].how == "cited" and prov[held.mention.id].relayed_by == ("The Moscow Times",)
    assert prov[held.mention.id].source.key == "name:network"
    # The next sentence of the paragraph carries the same attribution; the next paragraph does not.
    assert prov[dead.mention.id].how == "inherited" and prov[dead.mention.id].source == prov[held.mention.id].source
    assert prov[injured.mention.id].how == "first-hand" and prov[injured.mention.id].source.name == "Eastern Daily"


def test_consolidate_provenance_copies_report_as_their_original() -> None:
    original = make_doc("Storm hits coast\nTwelve people were killed when the storm hit the coast.\n", "Wire", "2020-01-01")
    copy = make_doc("Deadly storm\nTwelve people were killed when the storm hit the coast.\n", "Local Site", "2020-01-01")
    figures = [fig(d, "Twelve people were killed", "killed", 12) for d in (original, copy)]
    prov = figure_provenance(figures, [original, copy], _names([original, copy], []), {copy.id: original.id})
    assert [prov[f.mention.id].source.name for f in figures] == ["Wire", "Wire"]
    assert [prov[f.mention.id].how for f in figures] == ["first-hand", "copy"]
    assert prov[figures[1].mention.id].original_doc == original.id


def test_consolidate_provenance_quotes_credit_the_outlet_that_published_them() -> None:
    doc = make_doc(RELAY, "Eastern Daily", "2018-07-02")
    mentions = [ner(doc, "FRANCE 24", "ORG"), ner(doc, "PinkNews", "ORG")]
    quotes = []
    for words in ("They beat us every night,", "We were held for weeks,"):
        start = doc.text.index(words)
        m = Mention(mention_id(doc.id, "quote", start, start + len(words)), doc.id, start, start + len(words), "quote",
                    "quotes.test", words)
        quotes.append(Quote(m, "one man"))
    prov = quote_provenance(quotes, [doc], _names([doc], mentions))
    assert [(prov[q.mention.id].source.name, prov[q.mention.id].how) for q in quotes] == [
        ("FRANCE 24", "cited"), ("PinkNews", "cited")]
    # The quote extractor's own credit is taken as it is.
    credited = Quote(quotes[0].mention, "one man", reported_by="PinkNews")
    assert quote_provenance([credited], [doc], _names([doc], mentions))[credited.mention.id].source.name == "PinkNews"
    plain = make_doc("“We will rebuild,” the mayor said on Monday.\n", "Town Paper", "2020-01-01")
    m = Mention(mention_id(plain.id, "quote", 1, 17), plain.id, 1, 17, "quote", "quotes.test", plain.text[1:17])
    own = quote_provenance([Quote(m, "the mayor")], [plain], _names([plain], []))[m.id]
    assert (own.source.name, own.how) == ("Town Paper", "first-hand")


def _event(doc, sentence: str, date: str, precision: str = "day") -> tuple[Event, Mention]:
    start = doc.text.index(sentence)
    m = Mention(mention_id(doc.id, "event", start, start + len(sentence)), doc.id, start, start + len(sentence),
                "event", "events.test", sentence)
    return Event(m.id, doc.id, date, precision, sentence, (m.id,)), m


def test_consolidate_timeline_merges_reports_of_one_event_with_their_sources() -> None:
    a = make_doc("Protest\nPolice detained at least 40 protesters in Riverton on Wednesday night.\n"
                 "The mayor will hold a hearing on Friday.\n", "Riverton Daily", "2021-03-04")
    b = make_doc("Arrests\nAt least 40 protesters were detained by police in Riverton on Wednesday.\n", "Wire", "2021-03-04")
    c = make_doc("Riverton arrests\nAt least 40 protesters were detained by police in Riverton on Wednesday.\n", "Copy Site",
                 "2021-03-04")
    events = [_event(a, "Police detained at least 40 protesters in Riverton on Wednesday night.", "2021-03-03"),
              _event(a, "The mayor will hold a hearing on Friday.", "2021-03-05"),
              _event(b, "At least 40 protesters were detained by police in Riverton on Wednesday.", "2021-03-03"),
              _event(c, "At least 40 protesters were detained by police in Riverton on Wednesday.", "2021-03-03")]
    timeline = build_timeline([e for e, _ in events], [a, b, c], {m.id: m for _, m in events}, {c.id: b.id})
    assert [(t["date"], len(t["events"]), t["independent_reports"]) for t in timeline] == [("2021-03-03", 3, 2),
                                                                                           ("2021-03-05", 1, 1)]
    first = timeline[0]
    assert first["sources"] == ["Copy Site", "Riverton Daily", "Wire"]
    for cite in first["citations"]:
        text = {d.id: d.text for d in (a, b, c)}[cite["doc"]]
        assert text[cite["start"]:cite["end"]] == cite["text"]
