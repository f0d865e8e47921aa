"""Casualty figures and incident totals in local crime news (hand-written sentences, no spaCy).

Quality gate for the constructions local shooting reports use everywhere: single victims
("a 23-year-old man was shot and killed", "the victim died", "Jane Doe, 27, was pronounced
dead"), people hit by gunfire ("shot", "taken to a hospital", "in critical condition"),
coordinated victims, and the numbers that are no casualty figure (ages, years, money,
percentages, votes, times, addresses, rounds and cars, "one of the suspects").
Then the totals: a later report that a victim died moves them from injured to killed,
figures about other incidents (earlier years, city-wide statistics, related headlines)
never count, and sources that disagree at the same time keep the lower count (ACLED).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest

from corroborator.consolidate import consolidate_case
from corroborator.analyze.figures import extract_figures
from corroborator.model import Case, Document, Figure, Mention, NoiseSpan, mention_id


def _doc(text: str, published: str | None = None, noise: Sequence[tuple[str, str]] = ()) -> Document:
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    spans = []
    for line, kind in noise:
        start = text.index(line)
        spans.append(NoiseSpan(start, start + len(line), kind))
    return Document(doc_id, f"{doc_id[:8]}.txt", doc_id, "text/plain", text, published=published,
                    noise=tuple(sorted(spans, key=lambda s: s.start)))


def _mentions(doc: Document, kind: str, pairs: Sequence[tuple[str, str]], key: str) -> list[Mention]:
    out = []
    for phrase, value in pairs:
        start = doc.text.index(phrase)
        end = start + len(phrase)
        attrs = {key: value} if kind == "entity" else {key: value, "precision": "day"}
        out.append(Mention(mention_id(doc.id, kind, start, end), doc.id, start, end, kind, "test", phrase, attrs))
    return sorted(out, key=lambda m: m.start)


def _figures(doc: Document, persons: Sequence[str] = (), dates: Sequence[tuple[str, str]] = ()) -> list[Figure]:
    entities = _mentions(doc, "entity", [(p, "PERSON") for p in persons], "label")
    return extract_figures(doc, entities, _mentions(doc, "date", dates, "value"))


def _run(text: str, persons: Sequence[str] = ()) -> list[tuple[str, int]]:
    """(event, value) of every casualty figure, with "hit" for people shot without an outcome."""
    return [(f.event + ("/hit" if f.mention.attrs.get("hit") else ""), f.value)
            for f in _figures(_doc(text), persons) if f.event in ("killed", "injured")]


# -- figures: what counts ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "persons", "expected"),
    [
        ("A 23-year-old man was shot and killed Sunday night.", (), [("killed", 1)]),
        ("A Lorain woman was fatally shot outside her home.", (), [("killed", 1)]),
        ("The victim died at the hospital.", (), [("killed", 1)]),
        ("A man was found dead in his apartment on Friday.", (), [("killed", 1)]),
        ("Jane Doe, 27, of Tyler, was pronounced dead at the scene.", ("Jane Doe",), [("killed", 1)]),
        ("He died Tuesday morning.", (), [("killed", 1)]),
        ("Two people are dead after a shooting on Elm Street.", (), [("killed", 2)]),
        ("A 19-year-old was wounded in the leg.", (), [("injured/hit", 1)]),
        ("A man was shot in the arm and taken to a hospital.", (), [("injured/hit", 1)]),
        ("The boy is in critical condition at Mercy Medical Center.", (), [("injured/hit", 1)]),
        ("John Roe was shot twice, police said.", ("John Roe",), [("injured/hit", 1)]),
        ("The teen was taken to St. Elizabeth Hospital by ambulance.", (), [("injured/hit", 1)]),
        ("Four people were hospitalized after the shooting.", (), [("injured/hit", 4)]),
        ("Three people were shot, one fatally, outside a bar early Sunday.", (),
         [("injured/hit", 3), ("killed", 1)]),
        ("Two others were wounded.", (), [("injured", 2)]),
        ("A man and his daughter were found dead.", (), [("killed", 2)]),
        ("He is accused of killing his wife and four daughters.", (), [("killed", 5)]),
        ("A man, a woman and a boy were shot.", (), [("injured/hit", 3)]),
        ("The shooting claimed the life of a 17-year-old girl.", (), [("killed", 1)]),
        ("Police are investigating the death of a 40-year-old man.", (), [("killed", 1)]),
        ("Jane Roe was rushed to a nearby hospital, but died the next day.", ("Jane Roe",), [("killed", 1)]),
        ("Four people who were shot are recovering.", (), [("injured/hit", 4)]),
        ("3 charged in drive-by shooting that killed a man.", (), [("killed", 1)]),
        ("The shooting claimed the life of 20–year–old Juan Roe.", (), []),
    ],
)
def test_casualties_figures(sentence: str, persons: tuple[str, ...], expected: list) -> None:
    assert _run(sentence, persons) == expected


def test_casualties_single_victim_span_is_on_the_words() -> None:
    text = "Police said a 23-year-old woman was shot and killed early Saturday."
    (figure,) = _figures(_doc(text))
    assert figure.mention.text == "a 23-year-old woman was shot and killed"
    assert text[figure.mention.start:figure.mention.end] == figure.mention.text
    assert (figure.value, figure.subject) == (1, "23-year-old woman")


@pytest.mark.parametrize(
    "sentence",
    [
        "The 23-year-old was arrested Monday.",
        "Police found 12 shell casings at the scene.",
        "The suspect fired 15 rounds into the car.",
        "One of the suspects was shot by police.",
        "The poll found 45 percent of voters support the measure.",
        "She won the seat with 5,321 votes.",
        "The shooting happened in the 1400 block of Main Street around 2:30 a.m.",
        "Three cars were damaged in the crash.",
        "A reward of $5,000 is offered for information.",
        "The suspect, a 34-year-old man, had shot at officers.",
        "“I shot him,” said a man who was arrested.",
        "The victim's mother said the family wants answers.",
        "A 6 year old victim was at the park with his father in 2015.",
        "Police said two children who shot at each other were arrested.",
        "Frank Roe says the family is grieving.",
    ],
)
def test_casualties_not_figures(sentence: str) -> None:
    figures = _figures(_doc(sentence))
    assert [(f.event, f.value) for f in figures if f.event in ("killed", "injured")] == []


def test_casualties_age_after_name_is_no_count() -> None:
    values = [f.value for f in _figures(_doc("Jaxon Doe, 6, was pronounced dead."), ["Jaxon Doe"])]
    assert values == [1]


def test_casualties_city_statistics_are_marked_aggregate() -> None:
    figures = _figures(_doc("Seven people have been killed in shootings in the city this year."))
    assert [(f.event, f.value) for f in figures] == [("killed", 7)]
    assert figures[0].mention.attrs.get("aggregate") is True


@pytest.mark.parametrize("sentence", [
    "At least 30 civilians were killed this year in the region, the UN said.",
    "Since March, more than 56 people have been killed in the republic.",
    "Protests across the country left 12 dead last month.",
])
def test_casualties_a_period_alone_is_the_cases_own_count(sentence: str) -> None:
    # A crisis is counted over a period: only signs of many incidents ("shootings", "so far",
    # "the 45th homicide") make a count a statistic that never counts toward the case.
    figures = [f for f in _figures(_doc(sentence)) if f.event == "killed"]
    assert figures and not any(f.mention.attrs.get("aggregate") for f in figures), figures


# -- precision / recall floor on a hand-written set ---------------------------------------
GATE = [
    ("A 31-year-old man was shot and killed late Friday on Oak Street.", {("killed", 1)}),
    ("The woman was pronounced dead at the scene.", {("killed", 1)}),
    ("A teenager was shot in the leg Saturday and is expected to survive.", {("injured", 1)}),
    ("Two men were wounded and a third died at the hospital.", {("injured", 2)}),
    ("Five people were shot, two of them fatally, at a party.", {("injured", 5)}),
    ("The toddler was rushed to Children's Hospital in critical condition.", {("injured", 1)}),
    ("Officers found a man suffering from a gunshot wound.", {("injured", 1)}),
    ("A 17-year-old girl died Sunday, two days after she was shot.", {("killed", 1)}),
    ("A man fired three shots at a passing car, police said.", set()),
    ("The 45-year-old suspect was booked into the county jail.", set()),
    ("Police responded to a call at 11:45 p.m. Sunday.", set()),
    ("The city has recorded 112 homicides, up 12 percent from 2015.", set()),
    ("The family set up a fund that has raised $12,000.", set()),
]


def test_casualties_precision_and_recall_floor() -> None:
    found = gold = correct = 0
    for text, expected in GATE:
        got = {(f.event, f.value) for f in _figures(_doc(text)) if f.event in ("killed", "injured")}
        found, gold, correct = found + len(got), gold + len(expected), correct + len(got & expected)
    precision, recall = correct / found, correct / gold
    assert precision >= 0.8 and recall >= 0.8, (precision, recall)


# -- totals ---------------------------------------------------------------------------------
def _totals(docs_with_dates: Sequence[tuple[Document, Sequence[tuple[str, str]]]]) -> dict:
    figures = [f for doc, dates in docs_with_dates for f in _figures(doc, dates=dates)]
    case = Case(documents=[d for d, _ in docs_with_dates], figures=figures)
    case.mentions.update((f.mention.id, f.mention) for f in figures)
    return consolidate_case(case).totals


def test_casualties_totals_later_death_moves_injured_to_killed() -> None:
    first = _doc("A man was shot Saturday night on Elm Street and taken to a hospital in critical condition, "
                 "police said.\n", "2023-03-05")
    later = _doc("The man who was shot Saturday on Elm Street died of his injuries on Monday, police said.\n",
                 "2023-03-07")
    totals = _totals([(first, ()), (later, ())])
    assert totals["killed"]["best"] == 1
    injured = totals["injured"]
    assert injured["best"] == 0
    assert "hit minus the killed" in injured["note"]
    # The earlier count is kept as history, with its claim and status.
    assert injured["claims"] and injured["claims_detail"][0]["status"] in ("single_source", "corroborated")
    assert [p["value"] for p in injured["series"]] == [1]


def test_casualties_totals_killed_and_survivors() -> None:
    doc = _doc("Three people were shot, one fatally, outside a bar early Sunday.\n"
               "Police said a 24-year-old man died at the scene.\n", "2023-06-04")
    totals = _totals([(doc, ())])
    assert (totals["killed"]["best"], totals["injured"]["best"]) == (1, 2)


def test_casualties_totals_distinct_survivor_is_injured() -> None:
    doc = _doc("The 7-year-old boy has died, police said.\nThe 9-year-old girl is hospitalized in critical "
               "condition.\n", "2023-06-04")
    totals = _totals([(doc, ())])
    assert (totals["killed"]["best"], totals["injured"]["best"]) == (1, 1)


def test_casualties_totals_people_told_apart_are_counted() -> None:
    doc = _doc("A 5-year-old boy was shot in the arm on Oak Street on Sunday.\n"
               "A 20-year-old woman was shot in the leg, police said.\n", "2023-06-04")
    figures = _figures(doc)
    assert [f.mention.attrs.get("persons") for f in figures] == [2, 2]
    assert _totals([(doc, ())])["injured"]["best"] == 2
    # The same person described twice is one.
    same = _doc("A 20-year-old man was shot on Sunday.\nThe man was taken to a hospital.\n", "2023-06-04")
    assert _totals([(same, ())])["injured"]["best"] == 1


def test_casualties_totals_other_incidents_never_count() -> None:
    text = ("A woman was shot and killed Friday night at Lincoln Park, police said.\n"
            "In 2019, two men were killed in a shooting at the same park.\n"
            "Last year, three people were wounded at a concert there.\n"
            "The killing was the city's 45th homicide this year, and 60 people have been shot in the city so far.\n")
    doc = _doc(text, "2023-06-10", noise=())
    totals = _totals([(doc, [("Friday night", "2023-06-09"), ("In 2019", "2019"), ("Last year", "2022")])])
    killed = totals["killed"]
    assert (killed["best"], killed["high"]) == (1, 1)
    assert any("earlier time" in e["reason"] for e in killed["excluded"])  # listed, not counted
    assert totals.get("injured", {"best": 0})["best"] == 0


def test_casualties_totals_related_headlines_never_count() -> None:
    text = ("A man was shot and killed Sunday on Oak Street, police said.\n"
            "Related: Four killed in highway crash near Dayton\n")
    doc = _doc(text, "2023-06-10", noise=[("Related: Four killed in highway crash near Dayton", "teaser")])
    assert _totals([(doc, ())])["killed"]["best"] == 1


def test_casualties_totals_same_time_dispute_keeps_the_lower_count() -> None:
    a = _doc("Two people were killed in the shooting on Sunday, police said.\n", "2023-06-12")
    b = _doc("Three people were killed in the shooting on Sunday, a witness said.\n", "2023-06-12")
    killed = _totals([(a, [("Sunday", "2023-06-11")]), (b, [("Sunday", "2023-06-11")])])["killed"]
    assert killed["best"] == 2 and killed["disputed"]
    assert "most conservative" in killed["note"]


def test_casualties_totals_one_named_victim_does_not_pull_a_dispute_down() -> None:
    a = _doc("Three people were killed in the shooting on Sunday, police said.\n", "2023-06-12")
    b = _doc("Four people were killed in the shooting on Sunday, a witness said.\n", "2023-06-12")
    c = _doc("A woman was killed in the shooting on Sunday, her family said.\n", "2023-06-12")
    dates = [("Sunday", "2023-06-11")]
    killed = _totals([(a, dates), (b, dates), (c, dates)])["killed"]
    assert killed["best"] == 3 and killed["disputed"]
