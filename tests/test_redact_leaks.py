"""Redaction leaks a reviewer found: testimony outside the quote span, given names,
invisible characters, facts taken from testimony, hashes, attrs spans and id clashes.

Testimony is hidden only when it is withheld (``withhold_testimony=True``); plain
redaction keeps the words and hides the names (architecture, "Redaction")."""

from __future__ import annotations

import json
import unicodedata

import pytest

from corroborator.outputs.export import case_to_dict
from corroborator.model import Case, Claim, Document, Entity, Event, Figure, Mention, ProtectedPerson, Quote, mention_id
from corroborator.outputs.redact import RedactionError, assert_redacted, assign_pseudonyms, redact_case, redact_case_with_ids
from tests.test_redact import line_noise, make_case, span

DOC = "d0c5" * 16


def visible(text: str) -> str:
    """What a reader sees: format characters dropped, compatibility forms folded, case folded."""
    return unicodedata.normalize("NFKC", "".join(c for c in text if unicodedata.category(c) != "Cf")).casefold()


def dump(case: Case) -> str:
    """The JSON export of a case as one string."""
    return json.dumps(case_to_dict(case), ensure_ascii=False)


def one_doc(text: str, *, title: str | None = None, doc_id: str = DOC, **kw: object) -> Document:
    """A one-report document."""
    return Document(doc_id, "x.txt", doc_id, "text/plain", text, title=title, **kw)


# --- 1. withheld testimony outside the quote span ---------------------------------------------

TESTIMONY = ('Police detained dozens of men, the group said.\n'
             '"They beat us with pipes every night. We could not sleep in the cellar," said one man who fled '
             'on 20 April 2017.\n'
             'We could not  sleep in the CELLAR\n')


def pipes_case() -> Case:
    """A protected quote whose sentence is an event, repeated in part in a pull quote and the title."""
    text = TESTIMONY
    quote = span(DOC, text, "quote", "They beat us with pipes every night. We could not sleep in the cellar,")
    date = span(DOC, text, "date", "20 April 2017", value="2017-04-20", precision="day")
    start = text.index('"They beat')
    end = text.index("2017.\n") + 5
    sentence = Mention(mention_id(DOC, "event", start, end), DOC, start, end, "event", "test", text[start:end],
                       {"date": "2017-04-20", "date_mention_ids": [date.id]})
    event = Event(sentence.id, DOC, "2017-04-20", "day", text[start:end], (date.id, sentence.id))
    pull = "We could not  sleep in the CELLAR"
    doc = one_doc(text, title="“They beat us with pipes every night”: a survivor speaks",
                  noise=(line_noise(text, pull, "pull_quote"),))
    return Case(documents=[doc], mentions={m.id: m for m in (quote, date, sentence)},
                quotes=[Quote(quote, "one man who fled", protected=True)], events=[event],
                protected=[ProtectedPerson(DOC, "one man who fled")])


def test_redact_withheld_event_what_rebuilt_from_redacted_sentence():
    redacted = redact_case(pipes_case(), withhold_testimony=True)
    assert [e.what for e in redacted.events] == ['"[testimony withheld]" said one man who fled on 20 April 2017.']
    assert "pipes" not in dump(redacted) and "cellar" not in dump(redacted).casefold()


def test_redact_keeps_testimony_in_the_event_title_and_pull_quote():
    original = pipes_case()
    redacted = redact_case(original)
    assert redacted.documents[0].text == original.documents[0].text
    assert redacted.documents[0].title == original.documents[0].title
    assert [e.what for e in redacted.events] == [e.what for e in original.events]
    assert redacted.quotes[0].speaker_label == "[Witness 1]"


def test_redact_withheld_partial_repeats_of_testimony_in_title_and_pull_quote_replaced():
    redacted = redact_case(pipes_case(), withhold_testimony=True)
    doc = redacted.documents[0]
    assert doc.title == "“[testimony withheld]”: a survivor speaks"
    assert doc.text.endswith("\n[testimony withheld]\n")
    pull = doc.noise[0]
    assert doc.text[pull.start:pull.end] == "[testimony withheld]"


def test_redact_leak_check_finds_withheld_testimony_in_any_case_and_spacing():
    case = pipes_case()
    for leak in ("they beat us with\n pipes every NIGHT", "THEY BEAT US WITH PIPES EVERY NIGHT. WE COULD NOT SLEEP",
                 "we could not sleep in the cel\u00adlar"):
        with pytest.raises(RedactionError):
            assert_redacted(leak, case, withhold_testimony=True)
        assert_redacted(leak, case)  # testimony kept is no leak
    with pytest.raises(RedactionError):  # another apostrophe, the same words
        assert_redacted("AT HOME, I DIDN’T KNOW CALM", make_case(), withhold_testimony=True)
    assert not assign_pseudonyms(case).leaks("Police detained dozens of men, the group said.", testimony=True)
    assert_redacted("Police detained dozens of men, the group said.", case, withhold_testimony=True)


# --- 2. the given name of a two-word pseudonym ----------------------------------------------------

def test_redact_given_name_of_two_word_pseudonym_replaced():
    text = 'Ali Ahmed (not his real name) was held for a month. "They beat us," Ali said. Alison did not.\n'
    case = Case(documents=[one_doc(text)], protected=[ProtectedPerson(DOC, "Ahmed", ("Ahmed", "Ali Ahmed"))])
    redacted = redact_case(case)
    assert redacted.documents[0].text == ('[Witness 1] (not his real name) was held for a month. '
                                          '"They beat us," [Witness 1] said. Alison did not.\n')
    with pytest.raises(RedactionError):
        assert_redacted("Ali", case)


def test_redact_initial_pseudonym_replaced_and_nothing_else():
    # "M." names the witness; "P.M.", "I'm" and a lower-case "m." are not the witness.
    text = 'A man known only as M. said "They beat us." At 5 P.M. I\'m sure, said M., 32. It was 3 m. deep.\n'
    case = Case(documents=[one_doc(text)], protected=[ProtectedPerson(DOC, "M.", ("M.",))])
    redacted = redact_case(case)
    assert redacted.documents[0].text == ('A man known only as [Witness 1] said "They beat us." At 5 P.M. '
                                          "I'm sure, said [Witness 1], 32. It was 3 m. deep.\n")
    with pytest.raises(RedactionError):
        assert_redacted("Then M. left", case)


# --- 3. invisible and variant characters ---------------------------------------------------------

def test_redact_names_hidden_by_invisible_or_fullwidth_characters_replaced():
    text = ("A man used the pseudonym Azmad. Later Az\u00admad, Az\u200bmad, A\u200dzmad, Azma\u2060d and "
            "\uff21\uff3a\uff2d\uff21\uff24 left. Azmad\u200bov stayed.\n")
    case = Case(documents=[one_doc(text)], protected=[ProtectedPerson(DOC, "Azmad", ("Azmad",))])
    redacted = redact_case(case)
    assert redacted.documents[0].text == ("A man used the pseudonym [Witness 1]. Later [Witness 1], [Witness 1], "
                                          "[Witness 1], [Witness 1] and [Witness 1] left. Azmad\u200bov stayed.\n")
    assert "azmad" not in visible(dump(redacted)).replace("azmadov", "")


def test_redact_names_spelt_with_look_alike_letters_replaced():
    # A Cyrillic А or а, or a Greek Α, in "Azmad" reads as Azmad; a Russian word stays.
    text = "Azmad fled. \u0410zmad was beaten. Azm\u0430d hid. \u0391zmad left. Грозный\n"
    case = Case(documents=[one_doc(text)], protected=[ProtectedPerson(DOC, "Azmad", ("Azmad",))])
    redacted = redact_case(case)
    assert redacted.documents[0].text == ("[Witness 1] fled. [Witness 1] was beaten. [Witness 1] hid. "
                                          "[Witness 1] left. Грозный\n")
    with pytest.raises(RedactionError):
        assert_redacted("Then \u0410zm\u0430d left", case)


def test_redact_leak_check_sees_through_invisible_and_compatibility_characters():
    case = Case(documents=[one_doc("The pseudonym Azmad.\n")], protected=[ProtectedPerson(DOC, "Azmad", ("Azmad",))])
    for leak in ("Az\u00admad", "A\u200bzmad", "Azm\u200dad", "Azma\u2060d", "\uff21\uff5a\uff4d\uff41\uff44",
                 "Az\ufeffmad"):
        with pytest.raises(RedactionError):
            assert_redacted(f"said {leak} today", case)
    assert_redacted("said Azmadov today", case)


# --- 4. facts taken from inside withheld testimony -----------------------------------------------

INSIDE = ('Police detained 40 men in Argun on 20 April 2017, the group said.\n'
          '"At least 30 men were held with me in Grozny in March 2017 and two were killed," said one man who '
          'was detained.\n')


def inside_case() -> Case:
    """Figures, dates, an entity and an event inside a protected quote, and the same kinds outside it."""
    t = INSIDE
    quote = span(DOC, t, "quote", "At least 30 men were held with me in Grozny in March 2017 and two were killed,")
    forty, thirty, two = (span(DOC, t, "figure", s) for s in ("40 men", "At least 30 men", "two"))
    april = span(DOC, t, "date", "20 April 2017", value="2017-04-20", precision="day")
    march = span(DOC, t, "date", "March 2017", value="2017-03", precision="month")
    argun, grozny = span(DOC, t, "entity", "Argun", label="GPE"), span(DOC, t, "entity", "Grozny", label="GPE")
    events, sentences = [], []
    for date, (start, end) in ((april, (0, t.index("\n"))), (march, (t.index('"At'), len(t) - 1))):
        s = Mention(mention_id(DOC, "event", start, end), DOC, start, end, "event", "test", t[start:end],
                    {"date": date.attrs["value"], "date_mention_ids": [date.id]})
        sentences.append(s)
        events.append(Event(s.id, DOC, date.attrs["value"], date.attrs["precision"], s.text, (date.id, s.id)))
    figures = [Figure(forty, "detained", 40, subject="men", attributed_to="the group"),
               Figure(thirty, "detained", 30, "at_least", "men"), Figure(two, "killed", 2)]
    claims = [Claim("claim:detained", "detained", 30, 40, (forty.id, thirty.id), 2, "corroborated", "two agree"),
              Claim("claim:killed", "killed", 2, 2, (two.id,), 1, "single_source", "one source")]
    every = [quote, forty, thirty, two, april, march, argun, grozny, *sentences]
    return Case(documents=[one_doc(INSIDE)], mentions={m.id: m for m in every},
                entities=[Entity("place:argun", "Argun", "GPE", (), (argun.id,)),
                          Entity("place:grozny", "Grozny", "GPE", (), (grozny.id,))],
                quotes=[Quote(quote, "one man who was detained", protected=True)], figures=figures,
                events=events, claims=claims, protected=[ProtectedPerson(DOC, "one man who was detained")],
                totals={"detained": {"best": 40, "claims": ["claim:detained"]},
                        "killed": {"best": 2, "claims": ["claim:killed"]}})


def test_redact_keeps_facts_taken_from_protected_testimony():
    original = inside_case()
    redacted = redact_case(original)
    assert [f.value for f in redacted.figures] == [40, 30, 2]
    assert [e.name for e in redacted.entities] == ["Argun", "Grozny"]
    assert [e.date for e in redacted.events] == ["2017-04-20", "2017-03"]
    assert [(c.low, c.high, c.independent_sources, c.status) for c in redacted.claims] == [
        (c.low, c.high, c.independent_sources, c.status) for c in original.claims]
    assert redacted.totals == original.totals
    assert redacted.quotes[0].mention.text == original.quotes[0].mention.text


def test_redact_withheld_drops_facts_taken_from_protected_testimony():
    redacted = redact_case(inside_case(), withhold_testimony=True)
    assert [f.value for f in redacted.figures] == [40]
    assert [e.name for e in redacted.entities] == ["Argun"]
    assert [e.date for e in redacted.events] == ["2017-04-20"]
    kinds = sorted(m.kind for m in redacted.mentions.values())
    assert kinds == ["date", "entity", "event", "figure", "quote"]
    assert [(c.id, c.low, c.high, c.figure_ids, c.independent_sources, c.status) for c in redacted.claims] == [
        ("claim:detained", 40, 40, (redacted.figures[0].mention.id,), 1, "single_source")]
    assert list(redacted.totals) == ["detained"]
    assert "2017-03" not in dump(redacted) and "Grozny" not in dump(redacted)
    for e in redacted.entities + redacted.events:
        assert all(i in redacted.mentions for i in e.mention_ids)


def test_redact_case_with_ids_pairs_what_is_left_with_the_original():
    case = inside_case()
    redacted, ids = redact_case_with_ids(case, withhold_testimony=True)
    raw = {f.mention.id: f for f in case.figures}
    assert [raw[ids[f.mention.id]].value for f in redacted.figures] == [40]
    assert ids[redacted.entities[0].id] == "place:argun" and ids[redacted.events[0].id] == case.events[0].id
    assert ids[redacted.quotes[0].mention.id] == case.quotes[0].mention.id
    assert set(ids.values()) <= {DOC, *(m.id for m in case.mentions.values()), "place:argun", "claim:detained"}


def test_redact_drops_nothing_when_the_quote_is_not_protected():
    case = inside_case()
    case.quotes = [Quote(case.quotes[0].mention, "one man who was detained")]
    case.protected = []
    assert case_to_dict(redact_case(case)) == case_to_dict(case)


# --- 6. hashes and ids are not text ----------------------------------------------------------------

def test_redact_name_made_of_hex_letters_inside_hashes_is_no_leak():
    doc_id = "0123abed" * 8
    text = "A man who used the pseudonym Abed said he was beaten. Abed fled.\n"
    m = span(doc_id, text, "protection", "used the pseudonym Abed")
    case = Case(documents=[one_doc(text, doc_id=doc_id)], mentions={m.id: m},
                protected=[ProtectedPerson(doc_id, "Abed", ("Abed",), m)])
    redacted = redact_case(case)
    assert redacted.documents[0].id == doc_id and redacted.documents[0].sha256 == doc_id
    assert redacted.documents[0].text == ("A man who used the pseudonym [Witness 1] said he was beaten. "
                                          "[Witness 1] fled.\n")
    assert redacted.protected[0].evidence.id.startswith(doc_id[:16] + ":protection:")
    with pytest.raises(RedactionError):
        assert_redacted("abed-" + doc_id, case)


# --- 7. spans held in attrs -------------------------------------------------------------------------

def test_redact_remaps_spans_held_in_figure_attrs_and_review_evidence():
    text = "Bekhan said at least 40 people were detained in March 2017, according to Bekhan.\n"
    sentence_end = text.index(".\n") + 1

    def at(needle: str, nth: int = 0) -> list[int]:
        start = text.index(needle) if nth == 0 else text.index(needle, text.index(needle) + 1)
        return [start, start + len(needle)]

    figure = span(DOC, text, "figure", "at least 40 people were detained", value_span=at("40"),
                  sentence=[0, sentence_end], subject_span=at("people"), attribution_span=at("Bekhan", 1),
                  review={"status": "corrected", "evidence": {"start": at("40")[0], "end": at("40")[1], "text": "40"}})
    case = Case(documents=[one_doc(text)], mentions={figure.id: figure},
                figures=[Figure(figure, "detained", 40, "at_least", "people", "Bekhan")],
                protected=[ProtectedPerson(DOC, "Bekhan", ("Bekhan",))])
    redacted = redact_case(case)
    new, attrs = redacted.documents[0].text, redacted.figures[0].mention.attrs

    def cut(s: list[int]) -> str:
        return new[s[0]:s[1]]

    assert cut(attrs["value_span"]) == "40" and cut(attrs["subject_span"]) == "people"
    assert cut(attrs["attribution_span"]) == "[Witness 1]"
    assert cut(attrs["sentence"]) == "[Witness 1] said at least 40 people were detained in March 2017, " \
                                     "according to [Witness 1]."
    evidence = attrs["review"]["evidence"]
    assert new[evidence["start"]:evidence["end"]] == evidence["text"] == "40"


# --- 8. ids stay unique ------------------------------------------------------------------------------

def test_redact_mention_ids_stay_unique_when_withheld_spans_collapse():
    text = '"They beat us every night in the cellar," said one man who fled.\n'
    quote = span(DOC, text, "quote", "They beat us every night in the cellar,")
    marks = [span(DOC, text, "marker", w) for w in ("beat", "night", "cellar")]
    case = Case(documents=[one_doc(text)], mentions={m.id: m for m in (quote, *marks)},
                quotes=[Quote(quote, "one man who fled", protected=True)],
                protected=[ProtectedPerson(DOC, "one man who fled")])
    first, again = redact_case(case, withhold_testimony=True), redact_case(case, withhold_testimony=True)
    assert len(first.mentions) == 4 and list(first.mentions) == list(again.mentions)
    # The three markers collapse into one withheld span but keep their own ids, distinct and the machine's.
    assert sorted(m for m in first.mentions if ":marker:" in m) == sorted(m.id for m in marks)
    assert len({(m.start, m.end) for m in first.mentions.values() if m.kind == "marker"}) == 1
    for m in first.mentions.values():
        assert first.documents[0].text[m.start:m.end] == m.text
