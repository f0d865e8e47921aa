"""Chart coordinates shared by the report and the web app: dates, lanes, one dot per point."""

from __future__ import annotations

from datetime import date

from corroborator.outputs import charts
from corroborator.outputs.charts import Point, TimelineItem, evolution_chart, parse_date, timeline_chart, value_label
from corroborator.web import present
from corroborator.web.state import View
from tests.test_redact import DOC_A, DOC_B, make_case


def series_entry(event: str, day: str | None, value: int, qualifier: str, source: str) -> dict:
    """A series entry as a total holds it (with its event kind)."""
    return {"event": event, "date": day, "value": value, "qualifier": qualifier, "source": source,
            "status": "single_source", "figures": [f"fig-{source}-{value}"]}


def test_charts_parse_date_covers_days_months_seasons_and_years():
    assert parse_date("2017-04-03") == (date(2017, 4, 3), date(2017, 4, 3))
    assert parse_date("2017-02") == (date(2017, 2, 1), date(2017, 2, 28))
    assert parse_date("2017-summer") == (date(2017, 6, 1), date(2017, 8, 31))
    # Winter is named by its December and runs into the next year.
    assert parse_date("2016-winter") == (date(2016, 12, 1), date(2017, 2, 28))
    assert parse_date("2017") == (date(2017, 1, 1), date(2017, 12, 31))
    assert parse_date("2017-13") is None and parse_date("last spring") is None and parse_date(None) is None


def test_charts_value_label_shows_the_qualifier():
    assert [value_label(200, "at_least"), value_label(100, "more_than"), value_label(56, "at_most"),
            value_label(50, "about"), value_label(64, "exact")] == ["≥200", ">100", "≤56", "~50", "64"]


def test_charts_evolution_has_one_dot_per_series_entry_and_an_undated_column():
    series = [series_entry("detained", "2017-06-01", 200, "at_least", "Network"),
              series_entry("detained", "2017-04-01", 100, "more_than", "Gazeta"),
              series_entry("detained", None, 36, "exact", "A report"),
              series_entry("killed", "2017-04-01", 3, "at_least", "Gazeta")]
    points = charts.series_points(series, lambda s: "#" + s["figures"][0])
    panels = {p["kind"]: p for p in evolution_chart(points)}
    detained = panels["detained"]
    assert len(detained["dots"]) == 3 and len(panels["killed"]["dots"]) == 1
    gazeta, network, undated = detained["dots"]  # dated by day, undated last
    assert gazeta["text"] == ">100 Gazeta" and network["text"] == "≥200 Network" and undated["text"] == "36 A report"
    assert gazeta["x"] < network["x"] < undated["x"] == detained["undated_x"]
    assert network["y"] < gazeta["y"] < undated["y"] < detained["axis_y"]  # larger value, higher up
    assert detained["path"].count("L") == 1  # the undated point is not joined to the trend
    assert network["href"] == "#fig-Network-200" and "≥200 — Network, 2017-06-01" in network["label"]
    # One time axis for every panel: the same day is at the same x.
    assert panels["killed"]["dots"][0]["x"] == gazeta["x"]


def test_charts_evolution_uses_a_log_scale_for_wide_spreads():
    points = [Point("killed", date(2017, 1, d), v, str(v), "#") for d, v in ((1, 3), (2, 4000))]
    (panel,) = evolution_chart(points)
    assert panel["log"] is True
    low, high = panel["dots"]
    # On a log scale 3 sits well above the floor; linearly it would be squashed onto the axis.
    assert panel["axis_y"] - low["y"] > 0.1 * (panel["axis_y"] - high["y"])


def test_charts_evolution_labels_of_close_points_do_not_overlap():
    points = [Point("detained", date(2017, 4, 1), v, f"{v}", "#", f"≥{v} Source number {v}") for v in (100, 101, 102)]
    (panel,) = evolution_chart(points)
    ys = [d["text_y"] for d in panel["dots"]]
    assert len(set(ys)) == 3 and min(abs(a - b) for a in ys for b in ys if a != b) >= 11


def test_charts_timeline_puts_overlapping_periods_in_separate_lanes():
    items = [TimelineItem("2017", "year", "the year", "#a", "1"), TimelineItem("2017-04", "month", "April", "#b", "2"),
             TimelineItem("2017-04-10", "day", "a day", "#c", "3"), TimelineItem("someday", "year", "x", "#d"),
             TimelineItem("2018-06", "month", "June", "#e", "4")]
    chart = timeline_chart(items, label_gap=18)
    assert chart is not None and chart["count"] == 4  # the undatable item is left out
    marks = {m["href"]: m for m in chart["marks"]}
    assert len({marks["#a"]["lane"], marks["#b"]["lane"], marks["#c"]["lane"]}) == 3
    assert marks["#c"]["point"] and not marks["#b"]["point"]
    assert marks["#e"]["lane"] == marks["#a"]["lane"]  # free again after the year ends
    assert marks["#a"]["x"] < marks["#b"]["x"] < marks["#c"]["x"] < marks["#e"]["x"]
    assert timeline_chart([TimelineItem(None, "day", "x", "#")]) is None


def test_charts_app_and_report_draw_one_chart_model():
    from tests.test_report import briefed_case

    case = briefed_case()
    view = View(case=case, redacted=False, version=(), to_raw={}, raw=case)
    panels = present.evolution_chart(view)
    # The app's panels are the report's model: the totals' series, one point per claim source.
    assert panels == charts.case_evolution(case, lambda f: present.url("figures", f) if f else "/claims")
    dots = [d for p in panels for d in p["dots"]]
    assert len(dots) == len(charts.case_series(case)) == 3
    # The undated entry sits in the "undated" column, never at the start of the time axis.
    undated = [d for d in dots if ", undated (" in d["label"]]
    assert len(undated) == 1 and undated[0]["x"] == panels[0]["undated_x"]
    assert all(d["x"] < panels[0]["undated_x"] for d in dots if d is not undated[0])
    assert any(d["cls"] == "excluded" and "not counted" in d["label"] for d in dots)
    case = make_case()
    view = View(case=case, redacted=False, version=(), to_raw={}, raw=case)
    timeline = present.timeline_chart(view)
    assert timeline is not None and [m["href"].split("#")[0] for m in timeline["marks"]] == [
        f"/documents/{DOC_A}", f"/documents/{DOC_B}"]
    assert timeline["marks"][1]["label"].startswith("2017-summer (season): At least 200 people held")
