"""Tests for corroborator.analyze.dates: date normalisation rules and dated events.

Hand-written news-style texts whose right answers are known, plus a quality gate on
hand-labelled gold for the five sample reports (tests/gold/dates_chechnya.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corroborator.analyze.dates import EXTRACTOR, WHAT_MAX_CHARS, extract_dates, extract_events
from corroborator.model import Document, Mention, NoiseSpan, mention_id

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "chechnya-2017"
GOLD = json.loads((Path(__file__).parent / "gold" / "dates_chechnya.json").read_text(encoding="utf-8"))
FLOOR = 0.9


def make_doc(
    text: str, published: str | None = None, noise: tuple[NoiseSpan, ...] = (), doc_id: str = "d" * 64
) -> Document:
    """A document with just what the date stage reads."""
    return Document(doc_id, "mem.txt", doc_id, "text/plain", text, published=published, noise=noise)


def dates_of(text: str, published: str | None = None, **kwargs: str) -> list[tuple[str, str | None, str]]:
    """``(span text, value, precision)`` of every date found."""
    found = extract_dates(make_doc(text, published), **kwargs)
    return [(m.text, m.attrs["value"], m.attrs["precision"]) for m in found]


def one(text: str, published: str | None = None, **kwargs: str) -> Mention:
    """The single date mention of ``text``."""
    found = extract_dates(make_doc(text, published), **kwargs)
    assert len(found) == 1, [(m.text, m.attrs) for m in found]
    return found[0]


def noise_line(text: str, line: str, kind: str) -> NoiseSpan:
    """A noise span covering the line of ``text`` that starts with ``line``."""
    start = text.index(line)
    end = text.find("\n", start)
    return NoiseSpan(start, len(text) if end < 0 else end, kind)


# --- explicit dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("Protesters gathered outside the embassy on June 2, 2017.", "June 2, 2017", "2017-06-02"),
        ("The report was released on 2 Aug 2017 in Moscow.", "2 Aug 2017", "2017-08-02"),
        ("The meeting at the Kremlin took place on 05 May 2006.", "05 May 2006", "2006-05-05"),
        ("The raid began on Tuesday, June 6, 2017, before dawn.", "Tuesday, June 6, 2017", "2017-06-06"),
        ("Police confirmed the arrests on Sept. 14, 2016.", "Sept. 14, 2016", "2016-09-14"),
        ("The law came into force on the 1st of March 2015.", "1st of March 2015", "2015-03-01"),
        ("The filing is dated 2017-06-02 in the court record.", "2017-06-02", "2017-06-02"),
    ],
)
def test_dates_explicit_day_formats(text: str, span: str, value: str) -> None:
    assert dates_of(text, "2017-06-05") == [(span, value, "day")]


def test_dates_month_year_season_and_year() -> None:
    text = (
        "The crackdown began in April 2017 and peaked in the summer of 2017. "
        "Kadyrov was appointed in 2007, and a similar wave followed in fall 2016. "
        "Human Rights Watch's 2015 report and a 2014 survey found the same."
    )
    assert dates_of(text, "2018-01-10") == [
        ("April 2017", "2017-04", "month"),
        ("summer of 2017", "2017-summer", "season"),
        ("2007", "2007", "year"),
        ("fall 2016", "2016-autumn", "season"),
        ("2015", "2015", "year"),
        ("2014", "2014", "year"),
    ]


# --- yearless dates against the publish date ----------------------------------------


def test_dates_month_without_year_is_latest_not_after_publish() -> None:
    text = "Novaya Gazeta first reported in April that over 100 men had been detained."
    assert one(text, "2017-06-05").attrs["value"] == "2017-04"
    assert one(text, "2017-04-20").attrs["value"] == "2017-04"
    # Published in February: "April" cannot be this year's yet, so it is last year's.
    assert one(text, "2017-02-10").attrs["value"] == "2016-04"


def test_dates_yearless_day_in_past_context_is_not_after_publish() -> None:
    assert one("Police raided the club on May 26, witnesses said.", "2017-05-20").attrs["value"] == "2016-05-26"
    assert one("Police raided the club on May 26, witnesses said.", "2017-06-05").attrs["value"] == "2017-05-26"


def test_dates_yearless_day_in_future_context_is_nearest() -> None:
    text = "Kadyrov wants to eliminate them by the start of Ramadan on May 26, the ministry said."
    before = one(text, "2017-05-20")
    assert (before.text, before.attrs["value"], before.attrs["precision"]) == ("May 26", "2017-05-26", "day")
    # Reported after the deadline, the nearest May 26 is still this year's, not next year's.
    assert one(text, "2017-06-05").attrs["value"] == "2017-05-26"
    assert one("The vote will be held on March 3.", "2016-12-20").attrs["value"] == "2017-03-03"
    assert one("A hearing is set for Dec. 5 in Grozny.", "2017-06-08").attrs["value"] == "2017-12-05"
    assert one("The trial will resume in December.", "2017-01-10").attrs["value"] == "2017-12"
    assert one("The trial resumed in December.", "2017-01-10").attrs["value"] == "2016-12"
    # Beyond the month's grace a future-tense date is read as next year's (documented trade-off).
    assert one("They will be gone by May 26, he had vowed.", "2017-07-30").attrs["value"] == "2018-05-26"


def test_dates_seasons_without_year() -> None:
    assert one("Arrests spiked in the winter, activists said.", "2017-01-15").attrs["value"] == "2016-winter"
    assert one("Arrests spiked in the summer, activists said.", "2017-08-02").attrs["value"] == "2017-summer"
    assert one("The camps were first seen last summer.", "2017-08-02").attrs["value"] == "2016-summer"
    assert one("The camps were first seen last summer.", "2017-10-02").attrs["value"] == "2017-summer"
    assert dates_of("He wrote about the fall of Grozny.", "2017-08-02") == []


def test_dates_weekdays_resolve_against_publish_date() -> None:
    # 2017-06-08 is a Thursday.
    assert one("Police detained him on Tuesday.", "2017-06-08").attrs["value"] == "2017-06-06"
    assert one("The court will rule on Tuesday.", "2017-06-08").attrs["value"] == "2017-06-13"
    assert one("He was released last Thursday.", "2017-06-08").attrs["value"] == "2017-06-01"
    assert one("Activists meet next Friday.", "2017-06-08").attrs["value"] == "2017-06-16"
    assert one("Police detained him on Tuesday.", None).attrs["value"] is None


def test_dates_relative_expressions() -> None:
    text = (
        "He was freed yesterday. Last week, two more men vanished. "
        "The group opened a shelter last month. Kadyrov denied it last year. "
        "Ten years ago, Moscow handed him power. He fled two weeks ago."
    )
    found = {m.text: m.attrs for m in extract_dates(make_doc(text, "2017-06-08"))}
    assert found["yesterday"]["value"] == "2017-06-07"
    assert (found["Last week"]["value"], found["Last week"]["end_value"]) == ("2017-05-29", "2017-06-04")
    assert found["last month"]["value"] == "2017-05"
    assert found["last year"]["value"] == "2016"
    assert (found["Ten years ago"]["value"], found["Ten years ago"]["precision"]) == ("2007", "year")
    assert found["two weeks ago"]["value"] == "2017-05-25"
    assert found["two weeks ago"]["approximate"] is True


def test_dates_past_ranges_end_at_reference() -> None:
    text = (
        "Over 100 men have fled in the past year. The group evacuated 64 men over the last four months. "
        "Calls doubled during the past two weeks."
    )
    found = extract_dates(make_doc(text, "2017-08-02"))
    assert [(m.text, m.attrs["value"], m.attrs["precision"], m.attrs["end_value"]) for m in found] == [
        ("past year", "2016-08", "range", "2017-08-02"),
        ("last four months", "2017-04", "range", "2017-08-02"),
        ("past two weeks", "2017-07-19", "range", "2017-08-02"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Moscow handed power to a then 30-year-old Ramzan Kadyrov.",
        "They tortured a man for two weeks.",
        "He has led the republic for more than a decade.",
        "Over 100 men were detained and 2000 people signed the petition.",
        "Police held over 2017 protesters, up to 2015 of them students.",
        "Theresa May said the reports were deeply concerning.",
        "The march began at noon and may resume on the weekend.",
        "Prices rose 2017% in the 1990s, a USA Today analysis found.",
        "The 6 kidnappers wore uniforms; 31 pages of testimony followed.",
        "Many have fled in the past months, and in the last few months more vanished.",
        "He was interviewed by May Jones; the ruling is dated 12/06/2017.",
    ],
)
def test_dates_ignores_ages_durations_counts_and_names(text: str) -> None:
    assert dates_of(text, "2017-06-05") == []


def test_dates_month_lists_and_ranges() -> None:
    text = "The detentions ran between April and June, then again from 3 July to 9 July."
    assert dates_of(text, "2017-08-02") == [
        ("April", "2017-04", "month"),
        ("June", "2017-06", "month"),
        ("3 July", "2017-07-03", "day"),
        ("9 July", "2017-07-09", "day"),
    ]


# --- undated reports -----------------------------------------------------------------


def test_dates_undated_report_uses_latest_year_in_its_body() -> None:
    text = "Kadyrov took power in 2007. The purge took place in 2017.\nIn April, dozens vanished. He fled yesterday."
    found = {m.text: m.attrs for m in extract_dates(make_doc(text, None))}
    assert (found["April"]["value"], found["April"]["resolved_by"]) == ("2017-04", "text_year")
    assert found["yesterday"]["value"] is None
    assert found["yesterday"]["unresolved"] == "no reference day"


def test_dates_undated_report_ignores_years_in_noise_for_reference() -> None:
    text = "Kadyrov at a rally in 2019 (Getty)\nIn April, dozens were detained."
    noise = (noise_line(text, "Kadyrov at a rally", "caption"),)
    found = extract_dates(make_doc(text, None, noise))
    april = next(m for m in found if m.text == "April")
    assert april.attrs["value"] is None
    assert april.attrs["partial"] == "--04"


def test_dates_undated_report_without_any_year_leaves_date_unresolved() -> None:
    text = "Kadyrov wants to eliminate gay men by the start of Ramadan on May 26."
    mention = one(text, None)
    assert (mention.text, mention.attrs["value"], mention.attrs["partial"]) == ("May 26", None, "--05-26")
    events, _ = extract_events(make_doc(text, None), [mention])
    assert events == []
    resolved = one(text, None, case_reference="2017-06-05")
    assert (resolved.attrs["value"], resolved.attrs["resolved_by"]) == ("2017-05-26", "case")


def test_dates_undated_report_takes_year_of_full_date_in_same_paragraph() -> None:
    text = "Putin met Kadyrov on 05 May 2006. Kadyrov said 02 May that his militia was reassigned."
    assert dates_of(text, None) == [("05 May 2006", "2006-05-05", "day"), ("02 May", "2006-05-02", "day")]
    # With a publish date, a yearless date is the publish year's (AP style), not the anchor's.
    assert dates_of(text, "2017-06-05")[1] == ("02 May", "2017-05-02", "day")


def test_dates_invalid_publish_date_falls_back_to_text() -> None:
    mention = one("The purge took place in 2017.", "2017-13-45")
    assert mention.attrs["value"] == "2017"


# --- noise and events ----------------------------------------------------------------


def test_dates_in_noise_are_marked_and_make_no_events() -> None:
    text = (
        "Gay men flee Chechnya after April raids\n"
        "Demonstrators outside the embassy on June 2, 2017. (Getty Images)\n"
        "Novaya Gazeta first reported in April that over 100 men had been detained."
    )
    noise = (noise_line(text, "Gay men flee", "headline"), noise_line(text, "Demonstrators", "caption"))
    doc = make_doc(text, "2017-06-05", noise)
    found = extract_dates(doc)
    assert [(m.text, m.attrs["in_noise"]) for m in found] == [
        ("April", False),
        ("June 2, 2017", True),
        ("April", False),
    ]
    events, _ = extract_events(doc, found)
    assert [e.what for e in events] == [
        "Gay men flee Chechnya after April raids",
        "Novaya Gazeta first reported in April that over 100 men had been detained.",
    ]


def test_dates_events_one_per_sentence_most_specific_date() -> None:
    text = "In 2017, on June 2, 2017, and in April, protests were held. Nothing else happened."
    doc = make_doc(text, "2017-06-05")
    found = extract_dates(doc)
    events, sentences = extract_events(doc, found)
    assert len(events) == 1 and len(sentences) == 1
    event, sentence = events[0], sentences[0]
    day = next(m for m in found if m.attrs["precision"] == "day")
    assert (event.date, event.precision) == ("2017-06-02", "day")
    assert event.mention_ids == (day.id, sentence.id)
    assert event.id == sentence.id == mention_id(doc.id, "event", 0, text.index(" Nothing"))
    assert sentence.text == "In 2017, on June 2, 2017, and in April, protests were held."
    assert sorted(sentence.attrs["other_dates"]) == ["2017", "2017-04"]
    assert len(sentence.attrs["date_mention_ids"]) == 3


def test_dates_event_what_is_trimmed() -> None:
    text = "In April " + "police detained many more men across the republic " * 8 + "and tortured them."
    doc = make_doc(text, "2017-06-05")
    (event,), _ = extract_events(doc, extract_dates(doc))
    assert len(event.what) <= WHAT_MAX_CHARS
    assert event.what.endswith("…") and event.what.startswith("In April police")


def test_dates_mentions_are_exact_spans_with_ids() -> None:
    text = "On Tuesday,\u00a0June\u00a06,\u00a02017, and last week, and in the past year, men were held."
    doc = make_doc(text, "2017-06-08")
    found = extract_dates(doc)
    assert len(found) == 3
    for m in found:
        assert doc.text[m.start : m.end] == m.text
        assert m.id == mention_id(doc.id, "date", m.start, m.end)
        assert (m.kind, m.extractor, m.doc_id) == ("date", EXTRACTOR, doc.id)


# --- gold quality gate ------------------------------------------------------------------


def load_sample(name: str) -> tuple[Document, dict]:
    """A sample report with its hand-labelled noise, and its gold entry."""
    gold = GOLD[name]
    text = (SAMPLES / name).read_text(encoding="utf-8")
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    noise = tuple(
        NoiseSpan(starts[int(n) - 1], starts[int(n) - 1] + len(lines[int(n) - 1]), kind)
        for n, kind in sorted(gold["noise"].items(), key=lambda item: int(item[0]))
    )
    doc_id = name.split("_")[1].split(".")[0] * 4
    return make_doc(text, gold["published"], noise, doc_id), gold


def nth(text: str, needle: str, n: int) -> int:
    """Offset of the ``n``-th occurrence of ``needle`` in ``text``."""
    at = -1
    for _ in range(n + 1):
        at = text.index(needle, at + 1)
    return at


def gold_sets(doc: Document, gold: dict) -> tuple[set, set]:
    """Gold date tuples and event tuples with their offsets."""
    dates = set()
    for g in gold["dates"]:
        start = nth(doc.text, g["text"], g.get("nth", 0))
        dates.add((start, start + len(g["text"]), g["value"], g["precision"], g.get("end_value"), g["in_noise"]))
    events = set()
    for g in gold["events"]:
        start = doc.text.index(g["starts"])
        end = doc.text.index(g["ends"], start) + len(g["ends"])
        events.add((start, end, g["date"], g["precision"]))
    return dates, events


def prf(found: set, gold: set) -> tuple[float, float]:
    """Precision and recall of ``found`` against ``gold`` (1.0 when both are empty)."""
    hits = len(found & gold)
    return (hits / len(found) if found else 1.0), (hits / len(gold) if gold else 1.0)


def test_dates_quality_gate_on_sample_gold() -> None:
    found_dates, gold_dates, found_events, gold_events = set(), set(), set(), set()
    for name in sorted(k for k in GOLD if not k.startswith("_")):
        doc, gold = load_sample(name)
        mentions = extract_dates(doc)
        events, sentences = extract_events(doc, mentions)
        for m in mentions:
            assert doc.text[m.start : m.end] == m.text
        for s in sentences:
            assert doc.text[s.start : s.end] == s.text
        key = (doc.id,)
        found_dates |= {
            key + (m.start, m.end, m.attrs["value"], m.attrs["precision"], m.attrs.get("end_value"))
            + (m.attrs["in_noise"],)
            for m in mentions
        }
        by_id = {s.id: s for s in sentences}
        found_events |= {key + (by_id[e.id].start, by_id[e.id].end, e.date, e.precision) for e in events}
        g_dates, g_events = gold_sets(doc, gold)
        gold_dates |= {key + g for g in g_dates}
        gold_events |= {key + g for g in g_events}
    date_p, date_r = prf(found_dates, gold_dates)
    event_p, event_r = prf(found_events, gold_events)
    print(f"\ndates (span, value, precision, end, in_noise): P={date_p:.3f} R={date_r:.3f} on {len(gold_dates)} gold")
    print(f"events (sentence span, date, precision):        P={event_p:.3f} R={event_r:.3f} on {len(gold_events)} gold")
    assert len(gold_dates) == 19 and len(gold_events) == 7  # the gold file itself is intact
    assert min(date_p, date_r, event_p, event_r) >= FLOOR, (
        sorted(found_dates - gold_dates),
        sorted(gold_dates - found_dates),
        sorted(found_events - gold_events),
        sorted(gold_events - found_events),
    )


def test_dates_sample_001_resolves_with_case_reference() -> None:
    doc, _ = load_sample("001_84db0b506a7eb1af.txt")
    (mention,) = extract_dates(doc, case_reference="2017-06-05")
    assert (mention.text, mention.attrs["value"], mention.attrs["precision"]) == ("May 26", "2017-05-26", "day")
    events, _ = extract_events(doc, [mention])
    assert [(e.date, e.what[:42]) for e in events] == [("2017-05-26", "The British government reports Chechen pre")]


def test_dates_relative_in_an_undated_report_reach_only_the_latest_date_it_establishes() -> None:
    text = ("A purge of gay men took place in 2017. In the past year, over 100 people have fled. "
            "Last year 20 were held. Two years ago, a man died.")
    found = {t: (v, p) for t, v, p in dates_of(text)}
    # "The past year" runs up to the latest date the report names; it is never the year before it.
    assert found["past year"] == ("2017", "year")
    # The report may have been written years after 2017: "last year" and "two years ago" stay unplaced.
    assert found["Last year"] == (None, "year") and found["Two years ago"] == (None, "year")
    # With a publish date they resolve as before.
    dated = {t: v for t, v, _ in dates_of(text, published="2018-03-01")}
    assert dated["Last year"] == "2017" and dated["Two years ago"] == "2016"
