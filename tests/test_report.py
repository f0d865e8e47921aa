"""The HTML report: self-contained, hostile text stays text, citations resolve, redaction holds."""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser

import lxml.html

from corroborator.outputs.briefing import build_briefing
from corroborator.consolidate import apply_consolidation, build_timeline, consolidate_case, find_duplicates
from corroborator.outputs.export import to_markdown
from corroborator.model import Case, Claim, Document, Duplicate, Entity, Figure, Mention, NoiseSpan, mention_id
from corroborator.outputs.redact import redact_case
from corroborator.outputs.report import render_report
from tests.test_consolidate_sample import load_sample
from tests.test_redact import DOC_A, DOC_B, PROTECTED_NAMES, make_case

HOSTILE = '<script>alert(1)</script> and <img src=x onerror=alert(1)> "quoted" & done'


class TagCollector(HTMLParser):
    """Every start tag with its attributes, and all text data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def parse(page: str) -> TagCollector:
    """The page parsed by the standard library parser."""
    collector = TagCollector()
    collector.feed(page)
    collector.close()
    return collector


def hostile_case():
    """The shared case with markup in a document text, its title, an entity name and a quote."""
    case = make_case()
    text = f"Witnesses said {HOSTILE}.\nPolice arrested 12 people.\n"
    doc = Document("e" * 64, "hostile.txt", "e" * 64, "text/html", text, title=HOSTILE, outlet="<b>Outlet</b>",
                   url="javascript:alert(1)", noise=(NoiseSpan(0, 8, "<caption onclick=x>"),))
    start = text.index("<img")
    m = Mention(mention_id(doc.id, "entity", start, start + 33), doc.id, start, start + 33, "entity", "test",
                text[start:start + 33])
    case.documents.append(doc)
    case.mentions[m.id] = m
    case.entities.append(Entity("org:hostile", HOSTILE, "ORG", (HOSTILE,), (m.id,)))
    case.totals["detained"]["note"] = HOSTILE
    return case


def assert_inert(page: str) -> None:
    """No script, no event handler, nothing fetched, no link leaving the page."""
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        assert tag not in {"script", "img", "iframe", "object", "embed", "link", "base", "form"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in {"src", "srcset", "action", "formaction"}, (tag, name)
            if name == "href":
                assert value and value.startswith("#"), value
            assert "://" not in (value or "") and "javascript:" not in (value or ""), (tag, name, value)
    style = lxml.html.fromstring(page).xpath("//style")[0].text_content()
    assert "url(" not in style and "@import" not in style


def test_report_is_self_contained_and_has_every_section():
    page = render_report(make_case())
    assert_inert(page)
    tree = lxml.html.fromstring(page)
    for section in ("briefing", "evolution", "timeline-chart", "summary", "totals", "claims", "figures", "quotes",
                    "timeline", "entities", "documents"):
        assert tree.get_element_by_id(section) is not None
    assert "default-src 'none'" in page
    summary = [li.text_content() for li in tree.get_element_by_id("summary").xpath(".//li")]
    assert summary == ["2 documents", "7 entities", "5 quotes", "2 figures", "2 dated events", "1 claims",
                       "3 protected witnesses"]


def test_report_hostile_text_is_visible_not_markup():
    page = render_report(hostile_case())
    assert_inert(page)
    parsed = parse(page)
    text = "".join(parsed.data)
    assert text.count(HOSTILE) >= 4  # document text, title, entity name, totals note
    assert f"Witnesses said {HOSTILE}." in text
    assert "javascript:alert(1)" in text  # the url is shown as text, never linked


def test_report_document_text_is_reproduced_exactly():
    case = hostile_case()
    tree = lxml.html.fromstring(render_report(case))
    shown = [div.text_content() for div in tree.find_class("doc-text")]
    assert shown == [d.text for d in case.documents]


def test_report_highlights_mentions_and_labels_noise():
    case = make_case()
    tree = lxml.html.fromstring(render_report(case))
    doc_b = tree.get_element_by_id(f"doc-{DOC_B}")
    classes = {c for el in doc_b.xpath(".//span[@class]") for c in el.get("class").split()}
    assert {"m-entity", "m-quote", "m-figure", "m-date", "noise", "noise-headline", "noise-footer"} <= classes
    footer = [el for el in doc_b.xpath(".//span[@data-noise]") if el.get("data-noise") == "footer"]
    assert footer[0].text_content() == "© 2017 Example News. All rights reserved."
    figure = doc_b.xpath(".//span[contains(@class, 'm-figure')]")[0]
    assert figure.text_content() == "At least 200 people" and figure.get("title") == "figure: detained 200 (at_least)"
    kadyrov = [el for el in doc_b.xpath(".//span[@title]") if el.text_content() == "Ramzan Kadyrov"]
    assert kadyrov[0].get("title") == "Ramzan Kadyrov (PERSON)"
    quote = case.quotes[4].mention
    anchored = tree.get_element_by_id(f"doc-{DOC_B}-{quote.start}")
    assert anchored.text_content() == quote.text and "m-quote" in anchored.get("class")


def test_report_every_citation_resolves():
    tree = lxml.html.fromstring(render_report(make_case()))
    ids = {el.get("id") for el in tree.xpath("//*[@id]")}
    hrefs = [a.get("href") for a in tree.xpath("//a[@href]")]
    assert len(hrefs) >= 20
    assert all(h[1:] in ids for h in hrefs), [h for h in hrefs if h[1:] not in ids]
    quote_links = [a.get("href") for a in tree.get_element_by_id("quotes").xpath(".//a")]
    assert quote_links[1] == f"#doc-{DOC_A}-{make_case().quotes[1].mention.start}"


def test_report_lists_protected_witnesses_by_pseudonym_only():
    tree = lxml.html.fromstring(render_report(make_case()))
    rows = tree.get_element_by_id("entities").xpath(".//tbody/tr")
    protected = " ".join(r.text_content() for r in rows if r.find_class("badge-protected"))
    assert "[Witness 1]" in protected and "[Witness 2]" in protected and "the young man" not in protected
    speakers = " ".join(f.text_content() for f in tree.get_element_by_id("quotes").xpath(".//footer"))
    assert "[Witness 1]" in speakers and "[Witness 3]" in speakers and "Guillaume Mélanie" in speakers
    for name in PROTECTED_NAMES:
        assert name not in protected and name not in speakers
    assert "Azmad" in tree.get_element_by_id(f"doc-{DOC_A}").text_content()  # unredacted text is the source


def test_report_redacted_contains_no_protected_name():
    page = render_report(hostile_case(), redact=True)
    assert_inert(page)
    visible = html.unescape(page).casefold()
    for name in PROTECTED_NAMES:
        assert name.casefold() not in visible
    assert "ramzan kadyrov" in visible and "guillaume mélanie" in visible and "redacted" in visible


def test_report_timeline_and_claims():
    case = make_case()
    case.events.reverse()
    tree = lxml.html.fromstring(render_report(case))
    dates = [b.text_content() for b in tree.get_element_by_id("timeline").xpath(".//li/b")]
    assert dates == ["2017-04", "2017-summer"]
    row = [td.text_content().strip() for td in tree.get_element_by_id("claim-claim_detained_1").xpath("./td")]
    assert row[:5] == ["claim:detained:1", "detained", "100–200", "2", "conflicting"]
    # Credibility (disagreeing sources, none rated: doubtful), review state, then the note.
    assert row[5].startswith("F4 doubtful") and row[6] == "unreviewed"
    assert row[7] == "Novaya Gazeta and the Russian LGBT Network disagree"


def _cite(f: Figure, source: str) -> dict:
    """A total's citation of a figure, as the consolidation writes it."""
    m = f.mention
    return {"doc": m.doc_id, "start": m.start, "end": m.end, "text": m.text, "figure": m.id, "source": source}


def _entry(f: Figure, day: str | None, source: str, claim: str, status: str = "single_source") -> dict:
    """A series entry: one source's figure for one claim."""
    return {"date": day, "value": f.value, "qualifier": f.qualifier, "said": f.mention.text, "source": source,
            "claim": claim, "status": status, "figures": [f.mention.id], "docs": [f.mention.doc_id]}


def briefed_case(series_source: str = "Novaya Gazeta") -> Case:
    """The shared case with totals as the consolidation leaves them; a witness is the source of one count."""
    case = make_case()
    gazeta, network = case.figures
    case.claims.append(Claim("claim:detained:2", "detained", 100, 100, (gazeta.mention.id,), 1, "single_source",
                             "one source"))
    case.totals = {"detained": {
        "best": 200, "qualifier": "at_least", "low": 100, "high": 200, "claims": ["claim:detained:1", "claim:detained:2"],
        "note": "most conservative credible figure (ACLED rule)", "citations": [_cite(network, "Russian LGBT Network")],
        "sources": ["Azmad", "Russian LGBT Network"], "disputed": True, "moved": [],
        "excluded": [{"claim": "claim:detained:2", "reason": "undated 100, contradicts the main claim"}],
        "series": [_entry(gazeta, "2017-04-01", "Azmad", "claim:detained:2"),
                   _entry(network, "2017-06-01", "Russian LGBT Network", "claim:detained:1", "conflicting"),
                   _entry(gazeta, None, series_source, "claim:detained:1", "conflicting")],
        "claims_detail": [{"id": "claim:detained:2", "when": "2017-04", "status": "single_source",
                           "sources": [{"name": "Azmad", "said": "more than 100", "figures": [gazeta.mention.id]}]}],
    }}
    case.timeline = build_timeline(case.events, case.documents, case.mentions, {}, case.claims)
    return case


def _briefing_refs(tree: lxml.html.HtmlElement) -> list[list[str]]:
    """The reference links of each briefing sentence."""
    items = tree.get_element_by_id("briefing").xpath(".//ol[@class='sentences']/li")
    return [[a.get("href") for a in li.xpath(".//a[@class='ref']")] for li in items]


def test_report_briefing_sentences_link_to_the_exact_spans():
    case = briefed_case()
    tree = lxml.html.fromstring(render_report(case))
    ids = {el.get("id") for el in tree.xpath("//*[@id]")}
    refs = _briefing_refs(tree)
    assert len(refs) >= 2
    for hrefs in refs:
        assert hrefs and all(h[1:] in ids for h in hrefs), hrefs
    # Each link lands on the first character of the span it cites, not merely on its document.
    texts = {d.id: d.text for d in case.documents}
    for n, c in enumerate(build_briefing(case).references(), 1):
        target = tree.get_element_by_id(f"doc-{c.doc}-{c.start}")
        assert texts[c.doc][c.start:c.end] == c.text and c.text.startswith(target.text_content())
        assert f"#doc-{c.doc}-{c.start}" in {h for hrefs in refs for h in hrefs}
    sentences = [li.text_content() for li in tree.get_element_by_id("briefing").xpath(".//ol[@class='sentences']/li")]
    assert any("At least 200 people were detained, according to Russian LGBT Network." in s for s in sentences)
    # The witness who gave a count is named by pseudonym, as everywhere outside the document texts.
    briefing = tree.get_element_by_id("briefing").text_content() + tree.get_element_by_id("evolution").text_content()
    assert "[Witness 1] (more than 100)" in briefing and "Azmad" not in briefing


def test_report_evolution_chart_has_one_point_per_series_entry():
    case = briefed_case()
    tree = lxml.html.fromstring(render_report(case))
    ids = {el.get("id") for el in tree.xpath("//*[@id]")}
    panel = tree.get_element_by_id("evolution-detained")
    points = panel.xpath(".//svg//a[@class='point']")
    assert len(points) == len(case.totals["detained"]["series"]) == len(panel.xpath(".//circle"))
    labels = [p.xpath(".//text")[0].text_content() for p in points]
    assert labels == [">100 [Witness 1]", "≥200 Russian LGBT Network", ">100 Novaya Gazeta"]
    gazeta = case.figures[0].mention
    assert points[0].get("href") == f"#doc-{DOC_A}-{gazeta.start}" and all(p.get("href")[1:] in ids for p in points)
    assert "excluded" in points[0].xpath(".//circle")[0].get("class")  # the total does not count it
    assert "not counted" in points[0].xpath(".//title")[0].text_content()
    assert panel.xpath(".//text[@class='undated']")


def test_report_chart_labels_and_timeline_are_escaped_and_linked():
    page = render_report(briefed_case(series_source=HOSTILE))
    assert_inert(page)
    tree = lxml.html.fromstring(page)
    titles = [t.text_content() for t in tree.get_element_by_id("evolution").xpath(".//title")]
    assert any(HOSTILE in t for t in titles)  # shown as text, never run
    chart = tree.get_element_by_id("timeline-chart")
    ids = {el.get("id") for el in tree.xpath("//*[@id]")}
    marks = chart.xpath(".//svg//a")
    assert len(marks) == 2 and all(a.get("href")[1:] in ids and a.get("href") != "#timeline" for a in marks)
    assert [li.get("value") for li in chart.xpath(".//ol/li")] == ["1", "2"]


def test_report_totals_show_best_with_qualifier_sources_and_disputes():
    case = briefed_case()
    tree = lxml.html.fromstring(render_report(case))
    cells = [td.text_content().strip() for td in tree.get_element_by_id("total-detained").xpath("./td")]
    assert cells[:4] == ["detained", "at least 200", "100–200", "[Witness 1]; Russian LGBT Network"]
    assert "disputed" in cells[4] and "not counted: claim:detained:2 (undated 100" in cells[4]
    network = case.figures[1].mention
    cite = tree.get_element_by_id("total-detained").xpath(".//a[@class='cite']")
    assert [a.get("href") for a in cite] == [f"#doc-{DOC_B}-{network.start}"]


def test_report_redacted_briefing_is_built_from_the_redacted_case():
    case = briefed_case()
    assert "Azmad" in " ".join(s.text for s in build_briefing(case).sentences)  # the test has something to catch
    page = render_report(case, redact=True)
    tree = lxml.html.fromstring(page)
    shown = " ".join(tree.get_element_by_id(s).text_content() for s in ("briefing", "evolution", "timeline-chart"))
    for name in PROTECTED_NAMES:
        assert name.casefold() not in shown.casefold()
    assert "[Witness 1] (more than 100)" in shown
    # Redaction moved the figure: the citation follows it through its mention id to the new offsets.
    redacted = redact_case(case)
    gazeta = redacted.figures[0].mention
    assert gazeta.start != case.figures[0].mention.start
    anchor = tree.get_element_by_id(f"doc-{DOC_A}-{gazeta.start}")
    assert anchor.text_content() == "over 100 gay men"
    assert f"#doc-{DOC_A}-{gazeta.start}" in {h for hrefs in _briefing_refs(tree) for h in hrefs}


def test_report_marks_a_near_duplicate_as_a_copy():
    case = make_case()
    original = case.documents[0]
    copy_id = "cccc3333" * 8
    case.documents.append(dataclasses.replace(original, id=copy_id, sha256=copy_id, path="reports/copy.txt",
                                              title="Syndicated copy", published="2017-06-09"))
    # As consolidation finds and stores it.
    case.duplicates = {link.doc_id: Duplicate(link.doc_id, link.original_id, link.similarity)
                       for link in find_duplicates(case.documents)}
    tree = lxml.html.fromstring(render_report(case))
    note = tree.get_element_by_id(f"doc-{copy_id}").find_class("copy-of")[0]
    assert "Copy of Azmad tells of his escape" in note.text_content()
    assert note.xpath(".//a")[0].get("href") == f"#doc-{DOC_A}"
    assert not tree.get_element_by_id(f"doc-{DOC_A}").find_class("copy-of")


def test_report_of_the_sample_case_cites_and_charts_everything():
    case = apply_consolidation(sample := load_sample(), consolidate_case(sample))
    tree = lxml.html.fromstring(render_report(case))
    ids = {el.get("id") for el in tree.xpath("//*[@id]")}
    refs = _briefing_refs(tree)
    assert len(refs) >= 5 and all(hrefs for hrefs in refs)
    assert all(h[1:] in ids and h.startswith("#doc-") and h.rsplit("-", 1)[1].isdigit() for hrefs in refs for h in hrefs)
    for kind, total in case.totals.items():
        panel = tree.get_element_by_id(f"evolution-{kind}")
        assert len(panel.xpath(".//svg//circle")) == len(total["series"]), kind
    assert "at least 200" in tree.get_element_by_id("total-detained").text_content()


def test_export_markdown_starts_with_the_escaped_briefing():
    case = briefed_case(series_source=HOSTILE)
    case.totals["detained"]["citations"][0]["source"] = "[x](javascript:alert(1)) <b>"
    md = to_markdown(case)
    assert md.index("## Briefing") < md.index("## Totals")
    assert "- At least 200 people were detained, according to \\[x\\](javascript:alert(1)) \\<b\\>. \\[1\\]" in md
    assert "### References" in md and f"1. GCN (2017) \\[{DOC_B[:12]}:" in md
    assert not re.search(r"(?<!\\)<", md) and not re.search(r"(?<!\\)\]\(", md)
