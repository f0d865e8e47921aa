"""A tiny hand-written corpus whose right answers are known, and shared fixtures.

The bad inputs (binary, empty, Latin-1) are written as bytes at test time so the
repository holds only text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "chechnya-2017"

PLAIN_ARTICLE = """\
• Protesters gather outside the ministry in Riverton on 3 March 2021. (Photo credit should read JANE DOE/AFP/Getty Images)Source: (Photo credit should read JANE DOE/AFP/Getty Images)
"We were taken at night and nobody told us why."
Maria Lopez

4 Mar 2021 - 10:15 AM\u00a0 UPDATED 4 Mar 2021 - 10:20 AM

Police in Riverton detained at least 40 protesters on Wednesday, the Riverton Human Rights Centre said.

"We were taken at night and nobody told us why," said one woman who was released on Thursday, speaking on condition of anonymity.

Interior minister Paul Grant denied that anyone had been mistreated. "These are lies spread by foreign agents," Grant said.

Mayor promises inquiry into protest arrests
"We will look at every complaint," the mayor said in a statement.

© 2021 Riverton Daily. All rights reserved.
"""

LATIN1_ARTICLE = "Café owners in Zürich said the police arrested 12 people after the protest.\n"

HOSTILE_PAGE = """<!doctype html>
<html><head><title>Flood toll rises in Eastvale</title>
<meta name="author" content="Sam Reed"><meta property="article:published_time" content="2022-09-14T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/login">Sign in</a></nav>
<article>
<h1>Flood toll rises in Eastvale</h1>
<p>At least 23 people have been killed and more than 100 injured in floods in Eastvale, the regional emergency service said on Tuesday.</p>
<p>Residents described the water rising within minutes. "The river came into the house before we could wake the children," said Ana Torres, a teacher.</p>
<p>Officials warned that up to 40 people remain missing &lt;script&gt;alert("x")&lt;/script&gt; in the hills.</p>
<script>alert("page script")</script>
<p>The regional governor, Luis Moreno, said rescue teams would keep searching through the night.</p>
</article>
<aside class="related"><h3>Related</h3><ul><li><a href="/a">Drought hits farmers</a></li><li><a href="/b">Dam plans shelved</a></li></ul></aside>
<footer>© 2022 Eastvale Herald. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>
"""

JSONL_LINES = [
    {"id": "r1", "text": "Rebels killed 5 villagers in Northfield on Monday, the army said.", "outlet": "Wire",
     "published": "2020-05-04", "title": "Five killed"},
    {"id": "r2", "html": "<html><body><article><p>About 300 families fled the fighting near Northfield this week, aid workers said on Friday.</p></article></body></html>",
     "outlet": "Aid Daily", "published": "2020-05-08"},
]


def write_corpus(root: Path) -> Path:
    """Write the tiny corpus (good and bad inputs) under ``root`` and return its folder."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "article.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    (corpus / "latin1.txt").write_bytes(LATIN1_ARTICLE.encode("latin-1"))
    (corpus / "page.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    lines = [json.dumps(r) for r in JSONL_LINES] + ["{not json", json.dumps({"title": "no body"})]
    (corpus / "reports.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return corpus


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """The tiny corpus in a fresh folder."""
    return write_corpus(tmp_path)


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample case, built once per test session."""
    from corroborator.engines.local import build

    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE, root / "chechnya-2017")
    case = root / "case.duckdb"
    build([root / "chechnya-2017"], case)
    return case


@pytest.fixture(scope="session")
def sample_export(built_sample: Path) -> dict:
    """The JSON export of the bundled sample case."""
    from corroborator.api import export_case

    return json.loads(export_case(built_sample, "json"))


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, dict[str, str], Any]:
    """The hand-built review case (:func:`tests.webcase.build_case`): its path, ids and loaded case."""
    from corroborator.store import open_case
    from tests.webcase import build_case

    path = tmp_path / "case.duckdb"
    ids = build_case(path)
    with open_case(path, read_only=True) as store:
        return path, ids, store.load_case()
