"""The review app in a real browser: log in, read, confirm, correct, merge, search, accessibility."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

import pyotp
import pytest

from tests.browser.conftest import ARTIFACTS, log_in, shot
from tests.webcase import DOC_A, PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(chromium: Any, live: dict[str, Any]) -> Any:
    context = chromium.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.accept()))
    yield page
    context.close()


def test_browser_login_read_confirm_merge_search(page: Any, live: dict[str, Any]) -> None:
    url = live["url"]
    page.goto(url + "/figures")
    assert page.url.startswith(url + "/login")
    shot(page, "01-login")
    log_in(page, url, "edna", PASSWORD)
    assert page.locator("h1").inner_text() == "Case overview"
    shot(page, "02-overview")

    page.click("text=Documents")
    page.click("text=Police detain dozens after Riverton protest")
    assert page.locator(".doc-text .m-figure").count() == 1 and page.locator(".doc-text .noise").count() >= 2
    shot(page, "03-reader")
    page.locator(".doc-text a.m-figure").click()
    assert "/figures/" in page.url and page.locator(".evidence .exact code").inner_text() == "detained at least 40 protesters"

    page.goto(url + "/queue")
    first = page.locator(".evidence .exact code").inner_text()
    shot(page, "04-queue")
    with page.expect_navigation():
        page.keyboard.press("c")
    assert page.locator(".queue-pos").inner_text().count("of 3 unreviewed") == 1
    assert page.locator(".evidence .exact code").inner_text() != first
    with page.expect_navigation():
        page.keyboard.press("k")
    assert "reviewed" in page.locator(".queue-progress").inner_text()

    page.goto(url + "/entities/ent-grant")
    page.select_option("#into", "ent-paul")
    page.click("#merge-form button[type=submit]")
    page.wait_for_url("**/entities/ent-paul?done=merge")
    assert page.dialogs and "Merge Grant" in page.dialogs[0]
    assert "Grant" in page.locator("dl.facts").inner_text()
    shot(page, "05-merged-entity")

    page.fill("#top-q", "detained")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=detained")
    assert page.locator("ol.results mark").count() >= 2
    # The page sends the typed query only as digits; the browser shows it again as typed.
    assert page.input_value("#sq") == "detained" and page.locator("strong .echo").inner_text() == "detained"
    shot(page, "06-search")
    assert page.errors == []


def test_browser_select_the_right_text_to_correct_a_value(page: Any, live: dict[str, Any]) -> None:
    url = live["url"]
    log_in(page, url, "edna", PASSWORD)
    page.goto(url + "/figures?event=detained")
    page.click("text=As many as 56 people were detained")
    context = page.locator(".evidence .context")
    # Select the characters "56" inside the highlighted figure, as a mouse would.
    page.evaluate("""() => {
        const el = [...document.querySelectorAll('.evidence .context [data-o]')].find(e => e.textContent.includes('56'));
        const node = el.firstChild, at = node.data.indexOf('56');
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + 2);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    }""")
    context.dispatch_event("mouseup")
    assert page.locator("#value").input_value() == "56"
    assert "Selected “56”" in page.locator("[data-selection-for]").inner_text()
    page.select_option("#qualifier", "exact")
    shot(page, "07-correct-by-selection")
    page.click("text=Save correction")
    page.wait_for_url("**done=correct")
    assert "machine: at most" in page.locator("table.values").inner_text()
    data = json.loads(page.context.request.get(url + "/export.json").text())
    figure = next(f for f in data["figures"] if f["text"] == "As many as 56 people were detained")
    assert figure["qualifier"] == "exact" and figure["attrs"]["review"]["evidence"]["text"] == "56"


def _select(page: Any, where: str, needle: str) -> None:
    """Select the characters ``needle`` inside ``where``, as a mouse would, and let go."""
    page.evaluate("""([where, needle]) => {
        const el = [...document.querySelectorAll(where + ' [data-o]')]
            .find(e => e.firstChild && e.firstChild.nodeType === 3 && e.firstChild.data.includes(needle));
        const node = el.firstChild, at = node.data.indexOf(needle);
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + needle.length);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    }""", [where, needle])
    page.locator(where).first.dispatch_event("mouseup")


def test_browser_redacted_selection_lands_on_the_machine_characters(page: Any, live: dict[str, Any]) -> None:
    url, ids = live["url"], live["ids"]
    app = live["server"].server.config.app
    log_in(page, url, "edna", PASSWORD)  # an editor: protected identities are hidden
    items = json.loads(page.context.request.get(url + "/api/v1/quotes").text())["items"]
    grant = next(q for q in items if q["text"].startswith("These are lies"))
    page.goto(url + f"/quotes/{quote(grant['id'], safe='')}")
    assert "Karim" not in page.content()
    # "Paul Grant" comes after a pseudonym longer than the name it hides: its offsets here are not the machine's.
    _select(page, ".evidence .context", "Paul Grant")
    assert "Selected “Paul Grant”" in page.locator("[data-selection-for]").inner_text()
    start = DOC_A.index("Paul Grant")
    assert int(page.locator("input[name=evidence_start]").input_value()) == start + len("[Witness 1]") - len("Karim")
    shot(page, "10-redacted-selection")
    page.click("text=Save speaker")
    page.wait_for_url("**done=speaker")
    assert page.errors == [] and "Karim" not in page.content()
    record = app.state.case.reviews[-1]
    assert record.action == "quote.speaker" and record.target == ids["q_grant"]
    assert record.after["evidence"] == {"doc": ids["doc_a"], "start": start, "end": start + 10, "text": "Paul Grant"}

    # In the reader, a selection holding a pseudonym is refused and nothing is stored.
    seq = record.seq
    page.goto(url + f"/documents/{ids['doc_a']}")
    assert "[Witness 1]" in page.locator("#doc-text").inner_text() and "Karim" not in page.content()
    _select(page, "#doc-text", "[Witness 1]")
    page.click("text=Mark as identifying")
    assert "pseudonym" in page.locator("body").inner_text() and "Karim" not in page.content()
    assert app.state.case.reviews[-1].seq == seq
    # Words after it are marked at their machine characters.
    page.goto(url + f"/documents/{ids['doc_a']}")
    _select(page, "#doc-text", "a student")
    page.click("text=Mark as identifying")
    page.wait_for_url("**done=mark")
    mark = app.state.case.reviews[-1]
    start = DOC_A.index("a student")
    assert mark.action == "document.mark_identifying" and mark.target == ids["doc_a"]
    assert (mark.after["start"], mark.after["end"], mark.after["text"]) == (start, start + 9, "a student")
    assert page.errors == [] and "Karim" not in page.content()
    assert "a student" not in page.locator("#doc-text").inner_text()  # now redacted too


def test_browser_hostile_article_stays_inert(page: Any, live: dict[str, Any]) -> None:
    url = live["url"]
    log_in(page, url, "edna", PASSWORD)
    page.goto(url + f"/documents/{live['ids']['doc_c']}")
    assert "<script>alert(\"x\")</script>" in page.locator("#doc-text").inner_text()
    page.goto(url + "/search?q=alert")
    page.goto(url + "/entities/ent-evil")
    shot(page, "08-hostile-article")
    assert page.dialogs == [] and page.errors == []


def test_browser_admin_logs_in_with_totp(page: Any, live: dict[str, Any]) -> None:
    url = live["url"]
    log_in(page, url, "ada", PASSWORD, pyotp.TOTP(live["secret"]).now())
    assert "admin" in page.locator(".user-menu summary").inner_text().lower()
    page.goto(url + "/audit")
    assert page.locator("table.data tbody tr").count() >= 1
    shot(page, "09-audit")


MAIN_PAGES = ["/", "/documents", "/documents/{doc_a}", "/entities", "/entities/ent-paul", "/quotes", "/figures",
              "/claims", "/claims/claim-detained", "/search?q=detained", "/queue", "/queue?kind=quotes", "/reviews"]


def test_browser_main_pages_pass_axe_accessibility_checks(chromium: Any, live: dict[str, Any]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    # The checker is injected by script, which the app's Content-Security-Policy would forbid.
    context = chromium.new_context(viewport={"width": 1360, "height": 900}, bypass_csp=True)
    page = context.new_page()
    axe = Axe()
    try:
        log_in(page, live["url"], "edna", PASSWORD)
        page.goto(live["url"] + "/login")
        problems = {}
        for path in ["/login-page", *MAIN_PAGES]:
            if path == "/login-page":
                anonymous = chromium.new_context(bypass_csp=True).new_page()
                anonymous.goto(live["url"] + "/login")
                results, target = axe.run(anonymous), "/login"
                anonymous.context.close()
            else:
                target = path.format(**live["ids"])
                page.goto(live["url"] + target)
                results = axe.run(page)
            serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            if serious:
                problems[target] = [(v["id"], v["help"], len(v["nodes"])) for v in serious]
                ARTIFACTS.mkdir(exist_ok=True)
                (ARTIFACTS / f"axe{target.replace('/', '_').replace('?', '_')}.txt").write_text(
                    results.generate_report())
        assert problems == {}
    finally:
        context.close()


def test_browser_facets_filter_sort_and_download(page: Any, live: dict[str, Any]) -> None:
    url = live["url"]
    log_in(page, url, "edna", PASSWORD)
    page.goto(url + "/figures")
    rows = page.locator("table.data tbody tr").count()
    event = page.locator('.facet[data-facet="event"]')
    detained = event.locator('a[data-value="detained"]')
    count = int(event.locator('li:has(a[data-value="detained"]) .count').inner_text())
    assert 0 < count < rows
    detained.click()
    # Links spell every value in %-escapes (no typed word is repeated); the browser reads them as usual.
    page.wait_for_url(lambda u: "event=detained" in unquote(u))
    assert page.locator("table.data tbody tr").count() == count
    assert page.locator(".active-filters .chip").count() == 1
    # Sorting keeps the filter; a second click reverses the order.
    page.click("th a.sort:has-text('Value')")
    page.wait_for_url(lambda u: "sort=value" in unquote(u))
    values = [int(v) for v in page.locator("table.data tbody td.n.big").all_inner_texts()]
    assert values == sorted(values)
    page.click("th a.sort:has-text('Value')")
    page.wait_for_url(lambda u: "sort_desc=value" in unquote(u))
    values = [int(v) for v in page.locator("table.data tbody td.n.big").all_inner_texts()]
    assert values == sorted(values, reverse=True) and "event=detained" in unquote(page.url)
    shot(page, "10-figures-facets")
    href = page.locator(".downloads a", has_text="JSON").get_attribute("href")
    data = page.request.get(url + "/figures" + href).json()
    assert data["count"] == count and [r["value"] for r in data["rows"]] == values
    # Removing the filter from its chip brings every figure back.
    with page.expect_navigation():
        page.click(".active-filters .chip")
    assert page.locator("table.data tbody tr").count() == rows and "event=" not in unquote(page.url)
    assert page.errors == []


def test_browser_reject_then_undo(page: Any, live: dict[str, Any]) -> None:
    url = live["url"]
    log_in(page, url, "edna", PASSWORD)
    page.goto(url + "/queue?kind=figures&status=all")
    progress = page.locator(".queue-progress label").inner_text()
    total = progress.split(" of ")[1]
    first = page.locator(".evidence .exact code").inner_text()
    with page.expect_navigation():
        page.keyboard.press("x")
    assert page.locator("#undo-bar").is_visible() and "Figure rejected" in page.locator("#undo-bar").inner_text()
    # The total counts the rejected figure: reviewed plus remaining.
    assert page.locator(".queue-progress label").inner_text().split(" of ")[1] == total
    assert page.locator(".evidence .exact code").inner_text() != first
    shot(page, "11-rejected-undo-offer")
    with page.expect_navigation():
        page.keyboard.press("u")
    assert "Undone" in page.locator("#undo-done").inner_text()
    # Back at the figure the reject took away, as it was.
    assert page.locator(".evidence .exact code").inner_text() == first
    shot(page, "12-undone")
    page.goto(url + "/reviews")
    latest = page.locator("table.data tbody tr").first.inner_text()
    assert "figure.restore" in latest and "edna" in latest and "undoes review" in latest
    assert "{" not in page.locator("table.data tbody").inner_text()
    assert page.errors == []


@pytest.fixture(scope="module")
def live_sample(built_sample: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The bundled sample (claims with their sources) served on a free port, with an editor."""
    import shutil

    from corroborator.review import accounts
    from corroborator.store import open_case
    from tests.browser.server import LiveServer

    case = tmp_path_factory.mktemp("sources") / "case.duckdb"
    shutil.copy(built_sample, case)
    with open_case(case) as store:
        accounts.add_user(store, "edna", "editor", PASSWORD)
    server = LiveServer(case).start()
    try:
        yield {"url": server.url, "case": case}
    finally:
        server.stop()


def test_browser_source_reliability_rates_the_claims(chromium: Any, live_sample: dict[str, Any]) -> None:
    context = chromium.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = live_sample["url"]
    log_in(page, url, "edna", PASSWORD)
    page.goto(url + "/claims")
    before = page.locator("table.data tbody").inner_text()
    assert "F6" in before  # nothing rated yet: a single source cannot be judged
    page.click("nav >> text=Sources")
    row = page.locator("tr[data-source]").first
    name = row.locator("td").first.inner_text()
    row.locator("select").select_option("B")
    with page.expect_navigation():
        row.locator("button", has_text="Rate").click()
    assert "Rating saved" in page.locator(".notice").inner_text()
    rated = page.locator("tr[data-source]", has_text=name)
    assert rated.locator("select").input_value() == "B" and "edna" in rated.inner_text()
    shot(page, "13-sources-rated")
    page.goto(url + "/claims")
    assert "B2" in page.locator("table.data tbody").inner_text() or "B1" in page.locator("table.data tbody").inner_text()
    page.goto(url + "/reviews")
    assert "source.reliability" in page.locator("table.data tbody tr").first.inner_text()
    assert errors == []
    context.close()
