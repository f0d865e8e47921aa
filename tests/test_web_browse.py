"""Lists browse like datasette (facets, sorting, downloads); a reject can be undone; history reads as text."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient

from corroborator import review
from corroborator.outputs.report import render_report
from corroborator.store import open_case
from corroborator.web.facets import NONE, Column, FacetSpec, browse, select
from corroborator.web import Settings, create_app
from corroborator.web.history import change_lines
from tests.webcase import csrf, login, make_app

ROWS = [
    {"id": "a", "event": "killed", "value": 3, "source": "Wire", "tags": ["x", "y"]},
    {"id": "b", "event": "killed", "value": 10, "source": None, "tags": ["y"]},
    {"id": "c", "event": "detained", "value": 7, "source": "Wire", "tags": []},
    {"id": "d", "event": "detained", "value": None, "source": "Herald", "tags": ["x"]},
]
FACETS = [FacetSpec("event", "Event"), FacetSpec("source", "Source"), FacetSpec("tags", "Tags")]
COLUMNS = [Column("id", "Id"), Column("value", "Value", numeric=True), Column("event", "Event")]


def _u(value: str) -> str:
    return quote(value, safe="")


@pytest.fixture()
def web(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_app(tmp_path, page_size=2)


def _editor(app: object) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    login(client, "edna")
    return client


def _counts(listing) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    return {f.key: {v.value: v.count for v in f.values} for f in listing.facets}


# -- the facets module -------------------------------------------------------------------
def test_facets_count_over_the_filtered_rows_like_datasette() -> None:
    everything = browse(ROWS, {}, facets=FACETS, columns=COLUMNS, page_size=10)
    assert _counts(everything)["event"] == {"killed": 2, "detained": 2}
    assert _counts(everything)["source"] == {"Wire": 2, "Herald": 1, NONE: 1}
    # A list value counts once per item; an item with none counts as "none".
    assert _counts(everything)["tags"] == {"x": 2, "y": 2, NONE: 1}
    killed = browse(ROWS, {"event": "killed"}, facets=FACETS, columns=COLUMNS, page_size=10)
    assert [r["id"] for r in killed.rows] == ["a", "b"]
    assert _counts(killed)["source"] == {"Wire": 1, NONE: 1}
    assert _counts(killed)["tags"] == {"y": 2, "x": 1}
    both = browse(ROWS, {"event": "killed", "tags": "x"}, facets=FACETS, columns=COLUMNS, page_size=10)
    assert [r["id"] for r in both.rows] == ["a"]


def test_facets_a_field_no_row_holds_gets_no_facet_until_one_does() -> None:
    facets = [*FACETS, FacetSpec("credibility", "Credibility")]
    rows = [dict(r, credibility=None) for r in ROWS]
    assert "credibility" not in _counts(browse(rows, {}, facets=facets, columns=COLUMNS, page_size=10))
    rows[0]["credibility"] = "B2"
    counts = _counts(browse(rows, {}, facets=facets, columns=COLUMNS, page_size=10))
    assert counts["credibility"] == {"B2": 1, NONE: 3}


def test_facets_links_add_and_remove_a_filter_and_keep_the_others() -> None:
    listing = browse(ROWS, {"event": "killed", "sort": "value"}, facets=FACETS, columns=COLUMNS, page_size=10,
                     extra={"q": "w"})
    event = next(f for f in listing.facets if f.key == "event")
    chosen = next(v for v in event.values if v.value == "killed")
    assert chosen.selected and listing.active == [chosen]
    # Removing keeps the sort and the text filter; adding another facet keeps the event.
    assert "event=" not in chosen.href and "sort=" in chosen.href and "q=" in chosen.href
    source = next(f for f in listing.facets if f.key == "source")
    wire = next(v for v in source.values if v.value == "Wire")
    assert not wire.selected and "event=" in wire.href and "source=" in wire.href


def test_facets_a_filter_value_the_list_does_not_hold_is_not_repeated() -> None:
    listing = browse(ROWS, {"source": "Karim"}, facets=FACETS, columns=COLUMNS, page_size=10)
    assert listing.pager.total == 0
    shown = [v.label for f in listing.facets for v in f.values]
    assert "Karim" not in shown and "(the value given)" in shown


def test_facets_sort_ascending_descending_missing_last() -> None:
    up = select(ROWS, {}, {"sort": "value"}, COLUMNS)
    assert [r["id"] for r in up] == ["a", "c", "b", "d"]
    down = select(ROWS, {}, {"sort_desc": "value"}, COLUMNS)
    assert [r["id"] for r in down] == ["b", "c", "a", "d"]
    # Only declared sortable columns sort: an unknown key leaves the order alone.
    assert [r["id"] for r in select(ROWS, {}, {"sort": "nope"}, COLUMNS)] == ["a", "b", "c", "d"]
    listing = browse(ROWS, {"sort": "value"}, facets=FACETS, columns=COLUMNS, page_size=10)
    header = next(h for h in listing.headers if h.key == "value")
    assert header.sorted == "asc" and "sort_desc=" in header.href


# -- list pages ----------------------------------------------------------------------------
def test_web_figures_facets_show_counts_and_filter(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = _editor(app)
    html = client.get("/figures").text
    counts = dict(re.findall(r'data-value="([^"]+)"[^>]*>[^<]*</a> <span class="count">(\d+)</span>', html))
    assert counts["detained"] == "2" and counts["killed"] == "1" and counts["unreviewed"] == "4"
    html = client.get("/figures?event=detained").text
    assert 'aria-current="true"' in html
    assert "2 rows" in html and "detained at least 40" in html and "Two protesters" not in html


def test_web_every_list_sorts_by_a_column(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = _editor(app)
    up = client.get("/figures?event=detained&sort=value").text
    down = client.get("/figures?event=detained&sort_desc=value").text
    assert up.index("at least 40") < up.index("As many as 56")
    assert down.index("As many as 56") < down.index("at least 40")
    assert 'aria-sort="descending"' in down
    for path in ("/quotes", "/claims", "/entities", "/documents"):
        response = client.get(path + "?sort_desc=id&page=x")
        assert response.status_code == 200, path
        assert "Download" in response.text and "format=" in response.text, path


def test_web_download_csv_and_json_hold_every_filtered_row_sorted(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = _editor(app)
    page = client.get("/figures?sort_desc=value").text
    assert "Page 1 of 2" in page  # two rows per page
    response = client.get("/figures?sort_desc=value&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["value"]) for r in rows] == [56, 40, 23, 2]
    data = client.get("/figures?event=detained&sort=value&format=json").json()
    assert data["count"] == 2 and [r["value"] for r in data["rows"]] == [40, 56]
    assert {r["event"] for r in data["rows"]} == {"detained"}
    claims = client.get("/claims?event=killed&format=json").json()
    assert [r["event"] for r in claims["rows"]] == ["killed"]
    assert client.get("/figures?format=xml").status_code == 400


def test_web_csv_download_defuses_formulas(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = _editor(app)
    token = csrf(client)
    client.post(f"/figures/{_u(ids['f2'])}/review",
                data={"csrf_token": token, "op": "correct", "subject": "=HYPERLINK(\"http://x\")"})
    rows = list(csv.DictReader(io.StringIO(client.get("/figures?format=csv").text)))
    subject = next(r["subject"] for r in rows if r["event"] == "injured")
    assert subject.startswith("'=HYPERLINK")


def test_web_redacted_downloads_hold_no_protected_name(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = _editor(app)
    for path in ("/quotes", "/entities", "/figures", "/claims", "/documents"):
        for fmt in ("csv", "json"):
            response = client.get(f"{path}?format={fmt}")
            assert response.status_code == 200, (path, fmt)
            assert "Karim" not in response.text, (path, fmt)
    quotes = client.get("/quotes?format=json").json()["rows"]
    assert any(str(r["speaker_label"]).startswith("[Witness") for r in quotes)
    # A filter naming a protected person matches nothing and is not repeated back.
    response = client.get("/quotes?speaker=Karim")
    assert response.status_code == 200 and "Karim" not in response.text


# -- undo ----------------------------------------------------------------------------------
def _reject(client: TestClient, kind: str, item: str, next_url: str | None = None):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf(client), "op": "reject"} | ({"next": next_url} if next_url else {})
    return client.post(f"/{kind}/{_u(item)}/review", data=data, follow_redirects=False)


def test_web_reject_offers_an_undo_that_restores_and_is_audited(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = _editor(app)
    client.post(f"/figures/{_u(ids['f40'])}/review", data={"csrf_token": csrf(client), "op": "confirm"})
    response = _reject(client, "figures", ids["f40"])
    assert response.status_code == 303
    seq = int(re.search(r"undo=(\d+)", response.headers["location"]).group(1))
    page = client.get(response.headers["location"]).text
    assert f'action="/reviews/{seq}/undo"' in page and "Figure rejected" in page
    assert ids["f40"] not in {f["id"] for f in client.get("/api/v1/figures").json()["items"]}
    undone = client.post(f"/reviews/{seq}/undo", data={"csrf_token": csrf(client), "next": "/figures"},
                         follow_redirects=False)
    assert undone.status_code == 303 and "restored=" in undone.headers["location"]
    assert "Undone" in client.get(undone.headers["location"]).text
    figures = {f["id"]: f for f in client.get("/api/v1/figures").json()["items"]}
    assert ids["f40"] in figures
    records = client.get("/api/v1/reviews").json()["items"]
    last = max(records, key=lambda r: r["seq"])
    assert last["action"] == "figure.restore" and last["user"] == "edna" and last["target"] == ids["f40"]
    assert last["after"] == {"undo": seq, "status": "confirmed"}
    # The state before the reject is back: confirmed, in its claim again.
    assert "confirmed" in client.get(f"/figures/{_u(ids['f40'])}").text
    assert ids["f40"] in client.get("/api/v1/claims").text
    # Undoing twice is refused: the latest review is no longer a reject.
    again = client.post(f"/reviews/{seq}/undo", data={"csrf_token": csrf(client)})
    assert again.status_code in (400, 409)


def test_web_undo_of_a_quote_reject_gives_the_speaker_back(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = _editor(app)
    response = _reject(client, "quotes", ids["q_grant"])
    seq = int(re.search(r"undo=(\d+)", response.headers["location"]).group(1))
    assert "unknown" in client.get(f"/quotes/{_u(ids['q_grant'])}").text
    client.post(f"/reviews/{seq}/undo", data={"csrf_token": csrf(client)})
    quote_page = client.get(f"/quotes/{_u(ids['q_grant'])}").text
    assert "Grant" in quote_page and "unreviewed" in quote_page


def test_review_restore_needs_a_reject_to_undo(tmp_path: Path) -> None:
    app, ids, _ = make_app(tmp_path)
    state = app.state.case  # type: ignore[attr-defined]
    with state.db.store() as store:
        state.refresh(store)
    with pytest.raises(review.ReviewError):
        review.validate_review(state.corrected, state.state, user="edna", role="editor", action="figure.restore",
                               target=ids["f40"], after={})
    with pytest.raises(review.ReviewError):
        review.validate_review(state.corrected, state.state, user="vic", role="viewer", action="figure.restore",
                               target=ids["f40"], after={})


def test_web_queue_total_stays_after_a_reject(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = _editor(app)
    before = client.get("/queue?kind=figures").text
    assert re.search(r"0 of 4 figures reviewed", before)
    first = re.search(r'action="/figures/([^"]+)/review"', before).group(1)
    response = _reject(client, "figures", first.replace("%3A", ":"), "/queue?kind=figures&status=unreviewed&after=" + first)
    after = client.get(response.headers["location"]).text
    assert re.search(r"1 of 4 figures reviewed", after)
    # The queue goes on at the next item, first of the three left.
    assert "1 of 3 unreviewed" in after


# -- history, qualifiers, "None" -----------------------------------------------------------
def test_change_lines_read_as_field_before_after() -> None:
    lines = change_lines({"value": 40, "qualifier": "at_least", "attributed_to": None, "text": "x"},
                         {"value": 41, "qualifier": "at_least", "attributed_to": "the police"})
    assert lines == [{"field": "value", "before": "40", "after": "41"},
                     {"field": "according to", "before": "—", "after": "the police"}]
    assert change_lines({"value": 3}, {}) == []


def test_web_history_is_readable_not_json(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = _editor(app)
    client.post(f"/figures/{_u(ids['f40'])}/review",
                data={"csrf_token": csrf(client), "op": "correct", "value": "41", "qualifier": "at_least"})
    for path in ("/reviews", f"/figures/{_u(ids['f40'])}"):
        html = client.get(path).text
        assert re.search(r"value:</span> 40 → <strong>41</strong>", html), path
        assert "{&#34;" not in html and '{"' not in html, path


def test_web_pages_keep_the_qualifier(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = _editor(app)
    assert "at least 40" in client.get(f"/figures/{_u(ids['f40'])}").text
    case = app.state.case.path  # type: ignore[attr-defined]
    app.state.case.close()  # type: ignore[attr-defined]
    with open_case(case) as store:
        loaded = store.load_case()
        totals = {k: v | {"qualifier": "at_least"} if k == "detained" else v for k, v in loaded.totals.items()}
        store.replace_consolidated(loaded.entities, {q.mention.id: q.speaker for q in loaded.quotes},
                                   loaded.claims, totals)
    fresh = TestClient(create_app(case, settings=Settings(idle_close=60.0)))
    login(fresh, "edna")
    overview = fresh.get("/").text
    assert re.search(r'class="n big">at least 40</td>', overview)


def test_no_literal_none_where_a_figure_has_no_attribution(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = _editor(app)
    # f2 has no attribution and no date; a correction gives it one.
    client.post(f"/figures/{_u(ids['f2'])}/review",
                data={"csrf_token": csrf(client), "op": "correct", "value": "3", "attributed_to": "the police"})
    paths = ["/", "/figures", "/claims", "/reviews", "/queue", f"/figures/{_u(ids['f2'])}",
             f"/figures/{_u(ids['f23'])}", "/claims/claim-injured", f"/documents/{ids['doc_b']}",
             "/figures?format=csv"]
    for path in paths:
        text = client.get(path).text
        # (An empty list reads "None" in the reader's side panels: a word, not a missing value.)
        assert not re.search(r'(?<!<li class="muted">)\bNone\b', text), path
    state = app.state.case  # type: ignore[attr-defined]
    state.close()
    with open_case(state.path) as store:
        corrected = review.apply_reviews(store.load_case(), review.load_reviews(store))
    report = render_report(corrected)
    assert "the police" in report and not re.search(r"\bNone\b", report)


def test_web_list_query_keeps_links_encoded(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = _editor(app)
    html = client.get("/documents?" + urlencode({"q": "Riverton", "sort": "title"})).text
    assert "Riverton arrests rise to 56" in html and "Flood toll" not in html
    data = json.loads(client.get("/documents?" + urlencode({"q": "Riverton", "format": "json"})).text)
    assert data["count"] == 2
