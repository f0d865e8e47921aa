"""A large case's report: documents in page files beside it, every citation linked there, redaction in every file."""

from __future__ import annotations

import html
from pathlib import Path

import lxml.html
import pytest

from corroborator import api
from corroborator.errors import RedactionError
from corroborator.model import Case
from corroborator.outputs import report_pages
from corroborator.outputs.report_pages import pages_folder, write_report
from corroborator.settings import REPORT_DEFAULTS, ReportSettings
from corroborator.store.lean import TextShelf, shelved
from tests.test_redact import DOC_A, DOC_B, PROTECTED_NAMES, make_case
from tests.test_report import assert_inert, hostile_case

#: One document per page file, from two documents on; the long lists two items a page.
ONE_PER_PAGE = ReportSettings(paged_over_documents=1, documents_per_page=1, items_per_page=2)
#: Documents in pages, the lists kept in the report.
DOCS_ONLY = ReportSettings(paged_over_documents=1, documents_per_page=1, items_per_page=1000)


def _tree(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_text(encoding="utf-8"))


def _shelved(case: Case) -> Case:
    """``case`` with its texts kept compressed, as reports and exports load a case file."""
    shelf = TextShelf()
    case.documents = [shelved(d, shelf) for d in case.documents]
    return case


def _resolve(out: Path, href: str) -> lxml.html.HtmlElement:
    """The element a link of the report (``file#id`` or ``#id``) leads to."""
    target, _, anchor = href.partition("#")
    tree = _tree(out.parent / target if target else out)
    return tree.get_element_by_id(anchor) if anchor else tree


def test_a_case_over_the_threshold_gets_document_pages_and_no_embedded_document(tmp_path: Path) -> None:
    case = hostile_case()
    written = write_report(case, tmp_path / "report.html", settings=DOCS_ONLY)
    folder = tmp_path / "report_files"
    assert written[0] == tmp_path / "report.html"
    assert sorted(p.name for p in written[1:]) == ["docs-0001.html", "docs-0002.html", "docs-0003.html"]
    assert sorted(p.name for p in folder.iterdir()) == ["docs-0001.html", "docs-0002.html", "docs-0003.html"]
    main = _tree(tmp_path / "report.html")
    assert not main.xpath("//article") and not main.find_class("doc-text")
    # The overview stays: briefing, totals, claims, timeline, figures, quotes, entities.
    for section in ("briefing", "totals", "claims", "timeline", "figures", "quotes", "entities", "documents"):
        assert main.get_element_by_id(section) is not None
    assert [a.get("href") for a in main.find_class("doc-pages")[0].xpath(".//a")] == [
        f"report_files/{p.name}" for p in written[1:]]
    pages = [_tree(p) for p in written[1:]]
    assert [len(p.xpath("//article")) for p in pages] == [1, 1, 1]
    shown = {p.xpath("//article")[0].get("id") for p in pages}
    assert shown == {f"doc-{d.id}" for d in case.documents}
    # Document text is reproduced exactly in its page, markup in it stays text.
    by_id = {d.id: d for d in case.documents}
    for page in pages:
        article = page.xpath("//article")[0]
        doc = by_id[article.get("id")[len("doc-"):]]
        assert article.find_class("doc-text")[0].text_content() == doc.text
    for path in written[1:]:
        page = path.read_text(encoding="utf-8")
        assert "<script" not in page and "onerror=" not in page.replace("onerror=alert(1)&gt;", "")


def test_every_cited_span_links_to_its_words_in_the_right_page(tmp_path: Path) -> None:
    case = make_case()
    out = tmp_path / "report.html"
    write_report(case, out, settings=DOCS_ONLY)
    main = _tree(out)
    hrefs = [a.get("href") for a in main.xpath("//a[@href]")]
    into_pages = [h for h in hrefs if h.startswith("report_files/")]
    assert len(into_pages) >= 15
    for href in hrefs:
        assert _resolve(out, href) is not None, href
    # A quote's citation leads to the page of its document and to exactly its words.
    quotes = main.get_element_by_id("quotes").xpath(".//a[@class='cite']")
    for q, link in zip(case.quotes, quotes):
        href = link.get("href")
        page = "docs-0001.html" if q.mention.doc_id == DOC_A else "docs-0002.html"
        assert href == f"report_files/{page}#doc-{q.mention.doc_id}-{q.mention.start}"
        assert _resolve(out, href).text_content() == q.mention.text
    # Figures of the claims too.
    for f, link in zip(case.figures, main.get_element_by_id("claims").xpath(".//a[@class='cite']")):
        assert _resolve(out, link.get("href")).text_content() == f.mention.text
    # Each page links back to the report and to its neighbours.
    first = _tree(tmp_path / "report_files" / "docs-0001.html")
    links = {a.get("href") for a in first.xpath("//header//a")}
    assert links == {"../report.html", "docs-0002.html"}


def test_a_copy_links_to_its_original_on_another_page(tmp_path: Path) -> None:
    from corroborator.model import Duplicate

    case = make_case()
    case.duplicates = {DOC_B: Duplicate(DOC_B, DOC_A, 0.9)}
    write_report(case, tmp_path / "report.html", settings=ONE_PER_PAGE)
    page_b = _tree(tmp_path / "report_files" / "docs-0002.html")
    link = page_b.find_class("copy-of")[0].xpath(".//a")[0].get("href")
    assert link == f"docs-0001.html#doc-{DOC_A}"
    target = _tree(tmp_path / "report_files" / link.split("#")[0]).get_element_by_id(f"doc-{DOC_A}")
    assert target.tag == "article"


@pytest.mark.parametrize("withhold", [False, True])
def test_redaction_holds_in_the_report_and_every_page_file(tmp_path: Path, withhold: bool) -> None:
    case = _shelved(hostile_case())
    written = write_report(case, tmp_path / "report.html", redact=True, withhold_testimony=withhold,
                           settings=ONE_PER_PAGE)
    # The report, its 3 document pages, and its 5 quotes and 8 entities two a page.
    assert len(written) == 1 + 3 + 3 + 4
    pages_text = ""
    for path in written:
        page = path.read_text(encoding="utf-8")
        visible = html.unescape(page).casefold()
        for name in PROTECTED_NAMES:
            assert name.casefold() not in visible, (path.name, name)
        assert "redacted" in visible
        if path != written[0]:
            assert 'id="redaction-notice"' in page and "REDACTED" in page
            pages_text += html.unescape(page)
    # The words of protected testimony are kept in the pages, unless withheld.
    for words in ("They tied wires to my hands,", "At home, I didn't know calm,"):
        assert (words in pages_text) is not withhold
    assert ("[testimony withheld]" in pages_text) is withhold
    assert "[Witness 1]" in pages_text and "[Witness 2]" in pages_text
    assert "Ramzan Kadyrov" in pages_text and "Guillaume Mélanie" in pages_text


def test_unredacted_pages_say_so(tmp_path: Path) -> None:
    written = write_report(make_case(), tmp_path / "report.html", settings=ONE_PER_PAGE)
    for path in written:
        assert "NOT REDACTED" in path.read_text(encoding="utf-8")
    assert "Azmad" in written[1].read_text(encoding="utf-8")  # the unredacted text is the source


def test_a_leak_in_any_page_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_pages, "redact_case", lambda case, **_: case)
    out = tmp_path / "report.html"
    with pytest.raises(RedactionError):
        write_report(make_case(), out, redact=True, settings=ONE_PER_PAGE)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_small_case_keeps_one_self_contained_file_and_the_options_force_either(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert REPORT_DEFAULTS.paged_over_documents >= 5  # the sample (5 documents) stays one file
    assert write_report(make_case(), out) == [out]
    assert not pages_folder(out).exists()
    assert_inert(out.read_text(encoding="utf-8"))
    assert len(_tree(out).xpath("//article")) == 2
    # Forced pages for a small case, then forced one file over the threshold: the old pages go.
    assert len(write_report(make_case(), out, paged=True)) == 2
    assert len(list(pages_folder(out).iterdir())) == 1 and not _tree(out).xpath("//article")
    assert write_report(make_case(), out, paged=False, settings=ONE_PER_PAGE) == [out]
    assert not pages_folder(out).exists() and len(_tree(out).xpath("//article")) == 2


def test_fewer_pages_than_last_time_leave_no_stale_page(tmp_path: Path) -> None:
    out = tmp_path / "case-report.html"
    write_report(hostile_case(), out, settings=ONE_PER_PAGE)
    assert len(list((tmp_path / "case-report_files").glob("docs-*.html"))) == 3
    assert len(list((tmp_path / "case-report_files").glob("quotes-*.html"))) == 3
    write_report(hostile_case(), out, settings=ReportSettings(paged_over_documents=1, documents_per_page=2, items_per_page=1000))
    assert sorted(p.name for p in (tmp_path / "case-report_files").iterdir()) == ["docs-0001.html", "docs-0002.html"]
    assert len(_tree(tmp_path / "case-report_files" / "docs-0001.html").xpath("//article")) == 2


def test_a_shelved_case_gives_the_same_report_as_a_plain_one(tmp_path: Path) -> None:
    plain = write_report(make_case(), tmp_path / "a" / "report.html", redact=True, settings=ONE_PER_PAGE)
    lean = write_report(_shelved(make_case()), tmp_path / "b" / "report.html", redact=True, settings=ONE_PER_PAGE)
    assert [p.read_text(encoding="utf-8") for p in plain] == [p.read_text(encoding="utf-8") for p in lean]


def test_the_api_and_cli_write_pages_for_a_case_file(built: tuple, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from corroborator.cli import cli

    path, _, loaded = built
    out = api.write_report(path, tmp_path / "r.html", settings=ReportSettings(0, 1, 1000))
    assert out == tmp_path / "r.html"
    assert len(list((tmp_path / "r_files").iterdir())) == len(loaded.documents)
    result = CliRunner().invoke(cli, ["report", str(path), "-o", str(tmp_path / "one.html"), "--paged"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "one_files" / "docs-0001.html").is_file()
    result = CliRunner().invoke(cli, ["report", str(path), "-o", str(tmp_path / "one.html"), "--single-file"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "one_files").exists() and _tree(tmp_path / "one.html").xpath("//article")


def test_the_long_lists_go_to_page_files_whose_citations_lead_to_the_words(tmp_path: Path) -> None:
    case = make_case()
    out = tmp_path / "report.html"
    written = write_report(case, out, settings=ONE_PER_PAGE)
    folder = tmp_path / "report_files"
    assert sorted(p.name for p in folder.glob("quotes-*.html")) == ["quotes-0001.html", "quotes-0002.html",
                                                                    "quotes-0003.html"]
    assert not list(folder.glob("figures-*.html"))  # two figures: they stay in the report
    main = _tree(out)
    assert [a.get("href") for a in main.get_element_by_id("quotes").xpath(".//a")] == [
        f"report_files/quotes-000{n}.html" for n in (1, 2, 3)]
    assert not main.get_element_by_id("quotes").xpath(".//blockquote")
    assert len(main.get_element_by_id("figures").xpath(".//tbody/tr")) == 2
    # Every quote is on its page, in order, and its citation (relative to the folder) leads to its words.
    shown = []
    for page in sorted(folder.glob("quotes-*.html")):
        tree = _tree(page)
        for block in tree.xpath("//blockquote"):
            href = block.xpath(".//a[@class='cite']")[0].get("href")
            assert href.startswith("docs-000")
            target, _, anchor = href.partition("#")
            shown.append((block.xpath(".//p")[0].text_content(),
                          _tree(folder / target).get_element_by_id(anchor).text_content()))
        assert {a.get("href") for a in tree.xpath("//header//a")} >= {"../report.html"}
    assert shown == [(q.mention.text, q.mention.text) for q in case.quotes]
    assert set(written) >= set(folder.glob("*.html"))
