"""The HTML report: self-contained, hostile text stays text, citations resolve, redaction holds."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import lxml.html

from corroborator.model import Document, Entity, Mention, NoiseSpan, mention_id
from corroborator.report import render_report
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
    for section in ("summary", "totals", "claims", "figures", "quotes", "timeline", "entities", "documents"):
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
    assert row[:6] == ["claim:detained:1", "detained", "100–200", "2", "conflicting",
                       "Novaya Gazeta and the Russian LGBT Network disagree"]
