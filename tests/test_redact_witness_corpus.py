"""A hostile witness corpus: every variant is built through ``corroborator.build`` and
every redacted output (JSON, CSV, Markdown, the HTML report) and every page and API
answer a viewer can reach in the review app must show 0 protected names, while the
words of the testimony stay (issue 9).

The checker here is written apart from the redactor: it folds look-alike letters,
drops invisible characters, joins words hyphenated across lines and reads attributes,
so it does not share the redactor's blind spots.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import corroborator

pytestmark = pytest.mark.slow

WORDS = "They beat me with pipes every night and asked for names"


@dataclass(frozen=True)
class Variant:
    """One hostile input: its files, the names that must never show, and whether the
    unredacted case holds the name at all (ingest drops HTML attributes)."""

    key: str
    files: dict[str, str]
    names: tuple[str, ...]
    present: bool = True
    testimony: str | None = WORDS
    extra: dict[str, str] = field(default_factory=dict)


def _jsonl(**record: str) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def _story(intro: str, later: str = "{name} said he now lives abroad.", name: str = "Zaur") -> str:
    return (f"{intro}\n\"{WORDS},\" {name} said.\n{later.format(name=name)}\n"
            "Police in Grozny denied that anyone had been detained.\n")


VARIANTS = [
    Variant("identified-only-by", {"r.txt": _story("A man identified only by the pseudonym Zaur was held in Argun.")},
            ("Zaur",)),
    Variant("using-the-pseudonym-possessive", {"r.txt": _story(
        "A man using the pseudonym Zaur was held in Argun.", "Zaur's mother and Zaur’s brother fled.")}, ("Zaur",)),
    Variant("hyphen-across-lines", {"r.txt": (
        "A man using the pseudonym Bislan was held in Argun.\n"
        f"\"{WORDS},\" said Bis-\nlan, who now lives abroad.\nLater Bis-\n  lan left Russia.\n")}, ("Bislan",)),
    Variant("two-words-split-across-lines", {"r.txt": (
        "Ali Ahmed (not his real name) was held in Argun for a month.\n"
        f"\"{WORDS},\" said Ali\nAhmed.\nAli now lives in Berlin.\n")}, ("Ali Ahmed", "Ahmed", "Ali")),
    Variant("other-capitalisation", {"r.txt": _story(
        "A man using the pseudonym Zaur was held in Argun.", "ZAUR and zaur are the same man.")}, ("Zaur",)),
    Variant("cyrillic-look-alikes", {"r.txt": _story(
        "A man using the pseudonym Zaur was held in Argun.", "Z\u0430ur and Z\u0410UR and \u0417aur were seen.")},
        ("Zaur",)),
    Variant("transliteration", {"r.txt": _story(
        "A man using the pseudonym Zaur was held in Argun.", "Russian media called him Заур, and ЗАУР.")},
        ("Zaur", "Заур")),
    Variant("pseudonym-once-then-first-name", {"r.txt": _story(
        "A man who asked to be called Zaur Bislanov was held in Argun.", "Zaur later left Russia.")},
        ("Zaur Bislanov", "Zaur", "Bislanov")),
    Variant("real-name-given-once", {"r.txt": _story(
        "A man using the pseudonym Zaur was held in Argun. His real name is Magomed Ibragimov.",
        "Magomed's family asked for help.")}, ("Zaur", "Magomed Ibragimov", "Magomed", "Ibragimov")),
    Variant("initial", {"r.txt": (
        "A man who gave his name only as M. was held in Argun.\n"
        f"\"{WORDS},\" M. said.\nPolice denied it.\n")}, ("M.",)),
    Variant("jsonl-title", {"r.jsonl": _jsonl(id="one", title="Zaur tells of his escape", text=_story(
        "A man using the pseudonym Zaur was held in Argun."))}, ("Zaur",)),
    Variant("jsonl-url", {"r.jsonl": _jsonl(id="one", url="https://news.example/2017/zaur-escape?who=Zaur",
                                            text=_story("A man using the pseudonym Zaur was held in Argun."))},
            ("Zaur",)),
    Variant("jsonl-author", {"r.jsonl": _jsonl(id="one", author="Zaur", outlet="Example News", text=_story(
        "A man identified only by the pseudonym Zaur was held in Argun."))}, ("Zaur",)),
    Variant("jsonl-metadata", {"r.jsonl": _jsonl(id="zaur-interview", outlet="Zaur's diary", published="2017-05-01",
                                                 text=_story("A man using the pseudonym Zaur was held in Argun."))},
            ("Zaur",)),
    Variant("html-alt-and-title", {"r.html": (
        "<html><head><title>Zaur speaks</title></head><body><article><h1>A survivor speaks</h1>"
        "<img src='zaur.jpg' alt='Zaur in Moscow' title='Portrait of Zaur'>"
        f"<p>A man using the pseudonym Zaur was held in Argun.</p><p>\"{WORDS},\" Zaur said.</p>"
        "<p><a href='https://example.org/zaur' title='Zaur on the day he left'>More</a></p>"
        "<p>Police in Grozny denied that anyone had been detained by the authorities.</p></article></body></html>")},
        ("Zaur",)),
    Variant("jsonl-html-attributes", {"r.jsonl": _jsonl(id="one", title="A survivor", html=(
        "<html><body><article><img alt='Zaur in Moscow' title='Zaur'>"
        f"<p>A man using the pseudonym Zaur was held in Argun.</p><p>\"{WORDS},\" Zaur said.</p>"
        "<p>Police in Grozny denied that anyone had been detained by the authorities.</p></article></body></html>"))},
        ("Zaur",)),
    Variant("invisible-characters", {"r.txt": _story(
        "A man using the pseudonym Zaur was held in Argun.", "Za\u00adur and Z\u200baur and Zau\u2060r left.")},
        ("Zaur",)),
    Variant("full-width", {"r.txt": _story(
        "A man using the pseudonym Zaur was held in Argun.", "\uff3a\uff41\uff55\uff52 left Russia.")}, ("Zaur",)),
    Variant("caption", {"r.txt": "Photo: Zaur in Moscow. (Photo credit: Jane Roe/AFP)\n" + _story(
        "A man using the pseudonym Zaur was held in Argun.")}, ("Zaur",)),
    Variant("file-name", {"zaur_interview.txt": _story("A man using the pseudonym Zaur was held in Argun.")},
            ("Zaur",)),
    Variant("jsonl-title-hyphenated", {"r.jsonl": _jsonl(id="one", title="Bis-\nlan tells of his escape", text=(
        "A man using the pseudonym Bislan was held in Argun.\n"
        f"\"{WORDS},\" said Bislan.\nPolice denied it.\n"))}, ("Bislan",)),
    Variant("quoted-pseudonym-with-footnote", {"r.txt": (
        f"In Berlin, ‘Zaur’* told CNN he had been held in Argun.\n“{WORDS},” Zaur says.\nZaur fled to France.\n"
        "*The name has been changed to protect the person’s identity.\n")}, ("Zaur",)),
    Variant("name-inside-testimony", {"r.txt": (
        "A man using the pseudonym Zaur was held in Argun.\n"
        "\"They kept calling me Zaur and beat me with pipes every night,\" he said.\nZaur fled.\n")},
        ("Zaur",), testimony="and beat me with pipes every night"),
]

# Letters a reader takes for Latin ones, written out here apart from the redactor's table.
_LOOK_ALIKES = str.maketrans("аеорсухАВЕКМНОРСТУХіІ", "aeopcyxABEKMHOPCTYXiI")
_TAG = re.compile(r"<[^>]*>")


def _reading(text: str) -> str:
    """``text`` as a reader reads it: entities undone, invisibles dropped, folded, hyphenation joined."""
    text = html.unescape(text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = unicodedata.normalize("NFKC", text).translate(_LOOK_ALIKES)
    text = text.replace("\\n", "\n")  # JSON escapes
    return re.sub(r"(?<=[^\W\d_])-\s+(?=[^\W\d_])", "", text)


def _found(name: str, text: str) -> bool:
    """Whether ``name`` is in ``text`` as a whole word (any case, any spacing between its words)."""
    if re.fullmatch(r"[^\W\d_]\.", name):
        pattern = rf"(?<![.\w]){re.escape(name[0])}\."
        return re.search(pattern, text) is not None
    words = [re.escape(w.translate(_LOOK_ALIKES)) for w in name.split()]
    pattern = r"(?<![^\W\d_])" + r"\s+".join(words) + r"(?![^\W\d_])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _outputs(case: Path, out: Path, **options: bool) -> dict[str, str]:
    """Every output of a case file as text: JSON, each CSV table and notice, Markdown, the HTML report."""
    found = {"json": corroborator.export_case(case, "json", None, **options),
             "md": corroborator.export_case(case, "md", None, **options)}
    corroborator.export_case(case, "csv", out / "csv", **options)
    found |= {f"csv/{p.name}": p.read_text(encoding="utf-8") for p in sorted((out / "csv").iterdir())}
    report = corroborator.write_report(case, out / "report.html", **options)
    page = report.read_text(encoding="utf-8")
    found |= {"html": page, "html (text)": _TAG.sub(" ", page)}
    return {k: str(v) for k, v in found.items()}


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.key for v in VARIANTS])
def test_witness_corpus_leaks_no_protected_name(variant: Variant, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, text in variant.files.items():
        (inputs / name).write_text(text, encoding="utf-8")
    case = tmp_path / "case.duckdb"
    corroborator.build([inputs], case)
    loaded = corroborator.load_case(case)
    assert loaded.protected, "the witness was not recognised as protected"
    plain = _reading(corroborator.export_case(case, "json", None))
    if variant.present:
        assert any(_found(n, plain) for n in variant.names)  # the variant does hold the name
    assert "NOT REDACTED" in plain

    for mode in ({"redact": True}, {"withhold_testimony": True}):
        out = tmp_path / "-".join(mode)
        out.mkdir()
        outputs = _outputs(case, out, **mode)
        for where, text in outputs.items():
            seen = _reading(text)
            leaked = [n for n in variant.names if _found(n, seen)]
            assert not leaked, (mode, where, leaked)
        data = json.loads(outputs["json"])
        assert data["redaction"]["redacted"] is True
        protected = [q for q in data["quotes"] if q["protected"]]
        if mode == {"redact": True}:
            assert data["redaction"]["mode"] == "identities"
            if variant.testimony:
                # The words stay: in the document, the quote, the Markdown digest and the report.
                assert variant.testimony in outputs["json"] and variant.testimony in outputs["html"]
                assert any(variant.testimony in q["text"] for q in protected)
        else:
            assert data["redaction"]["mode"] == "testimony_withheld"
            assert protected and all(q["text"] == "[testimony withheld]" for q in protected)
            if variant.testimony:
                assert "pipes every night" not in outputs["json"] and "pipes every night" not in outputs["html"]
        docs = {d["id"]: d["text"] for d in data["documents"]}
        for q in data["quotes"]:
            assert docs[q["doc"]][q["start"]:q["end"]] == q["text"]

    pages = _viewer_pages(case, variant.names)
    assert len(pages) >= 20 and any(p.startswith("/documents/") for p in pages)  # the crawl reached the items
    if variant.testimony:
        assert variant.testimony in _reading(pages["/api/v1/quotes?limit=500"])  # a viewer reads the words
    for where, body in pages.items():
        seen = _reading(body)
        leaked = [n for n in variant.names if _found(n, seen)]
        assert not leaked, ("viewer", where, leaked)


_LISTS = ("documents", "entities", "quotes", "figures", "claims")


def _viewer_pages(case: Path, names: tuple[str, ...]) -> dict[str, str]:
    """Every page and API answer a viewer can reach in the review app, by path.

    The lists, then every item's own page and API answer (ids taken from the API, as a
    reader would follow them), the export, the totals, and a search for each protected
    name. A page the last check refused (500) counts as a leak: redaction must not need it.
    """
    from fastapi.testclient import TestClient

    from corroborator.review import accounts
    from corroborator.store import open_case
    from corroborator.web import create_app
    from tests.webcase import PASSWORD, login

    with open_case(case) as store:
        accounts.add_user(store, "vic", "viewer", PASSWORD)
    client = TestClient(create_app(case))
    login(client, "vic")
    paths = ["/", "/documents", "/entities", "/quotes", "/figures", "/claims", "/queue", "/reviews",
             "/api/v1/case", "/api/v1/events", "/api/v1/totals", "/api/v1/export", "/export.json"]
    for kind in _LISTS:
        answer = client.get(f"/api/v1/{kind}", params={"limit": 500})
        assert answer.status_code == 200, (kind, answer.status_code)
        paths.append(f"/api/v1/{kind}?limit=500")
        for item in answer.json()["items"]:
            paths += [f"/{kind}/{item['id']}", f"/api/v1/{kind}/{item['id']}"]
    paths += [f"/search?q={name}" for name in names] + [f"/api/v1/search?q={name}" for name in names]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code != 500, (path, "the last check refused the page: redaction missed a name")
        pages[path] = response.text
    return pages


def test_witness_corpus_has_at_least_twenty_variants() -> None:
    assert len({v.key for v in VARIANTS}) >= 20
