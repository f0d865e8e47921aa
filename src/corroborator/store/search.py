"""Full-text search over the documents and quotes of a case (DuckDB FTS, BM25 ranking).

The index is built in an in-memory DuckDB database from a :class:`~corroborator.model.Case`
rather than inside the case file: the web app indexes the view each reader may see (a
redacted case for everyone but admins who reveal identities), so a search can never
find or show a protected name that the reader's pages hide, and indexing needs no write
lock on the case file. Snippets are returned as plain ``(text, is_hit)`` pieces; the
caller escapes them on output.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

import duckdb

from corroborator.model import Case
from corroborator.store import bulk_insert

logger = logging.getLogger(__name__)

SCOPES = ("all", "documents", "quotes")
MAX_QUERY = 200
SNIPPET_CHARS = 240
_WORD = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")
# Enough hits to place the snippet well; beyond that the choice costs more than it gains.
_MAX_HITS = 200
# Digits and letters of any script are words; everything else separates them.
_IGNORE = r"(\.|[^\p{L}\p{N}])+"
_INDEX = ("PRAGMA create_fts_index('%s', 'id', %s, stemmer='porter', stopwords='english', "
          "ignore='" + _IGNORE + "', strip_accents=1, lower=1, overwrite=1)")


@dataclass(frozen=True)
class Hit:
    """One search result: a document or a quote, its BM25 score and a highlighted snippet."""

    kind: str
    id: str
    doc_id: str
    title: str
    score: float
    snippet: tuple[tuple[str, bool], ...]
    start: int = 0
    speaker: str | None = None


@dataclass
class Results:
    """A page of hits, best first, and how many there are in all."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


def _connect():  # type: ignore[no-untyped-def]
    """An in-memory DuckDB connection with the FTS extension loaded offline."""
    # The extension package is only needed once a search index is built.
    import duckdb_extensions

    # No temporary directory: the index holds the case's text and must never spill it to disk (of an
    # encrypted case least of all), and an in-memory database would spill into the working directory.
    con = duckdb.connect(":memory:", config={"temp_directory": ""})
    duckdb_extensions.import_extension("fts", con=con)
    con.execute("LOAD fts")
    return con


class SearchIndex:
    """A BM25 index of one case's documents (title and text) and quotes (text and speaker).

    Args:
        case: The case to index (pass the redacted case for readers who must not see names).
    """

    def __init__(self, case: Case):
        self._con = _connect()
        self._lock = threading.Lock()
        self._texts = {d.id: d.text for d in case.documents}
        self._titles = {d.id: d.title or d.path for d in case.documents}
        con = self._con
        con.execute("CREATE TABLE docs (id VARCHAR, title VARCHAR, text VARCHAR)")
        con.execute("CREATE TABLE quotes (id VARCHAR, doc_id VARCHAR, start INTEGER, speaker VARCHAR, text VARCHAR)")
        if case.documents:
            bulk_insert(con, "docs", [(d.id, d.title or "", d.text) for d in case.documents])
            con.execute(_INDEX % ("docs", "'title', 'text'"))
        if case.quotes:
            bulk_insert(con, "quotes", [
                (q.mention.id, q.mention.doc_id, q.mention.start, q.speaker_label or "", q.mention.text)
                for q in case.quotes])
            con.execute(_INDEX % ("quotes", "'text', 'speaker'"))
        self._has = {"documents": bool(case.documents), "quotes": bool(case.quotes)}

    def close(self) -> None:
        """Free the in-memory index."""
        self._con.close()

    def _stems(self, query: str) -> list[str]:
        """Porter stems of the query words, lower case, as the index sees them."""
        words = [w.lower() for w in _WORD.findall(query)][:20]
        if not words:
            return []
        rows = self._con.execute("SELECT stem(w, 'porter') FROM unnest(?::VARCHAR[]) t(w)", [words]).fetchall()
        return [r[0] for r in rows if r[0]]

    def search(self, query: str, *, scope: str = "all", limit: int = 20, offset: int = 0) -> Results:
        """Search documents and/or quotes.

        Args:
            query: Words to find (any order; stemmed, so "detained" finds "detain").
            scope: ``all``, ``documents`` or ``quotes``.
            limit: Hits per page.
            offset: Hits to skip.

        Returns:
            The page of hits, best first, with the total number of hits.

        Raises:
            ValueError: Unknown scope.
        """
        if scope not in SCOPES:
            raise ValueError(f"unknown search scope {scope!r}; valid: {', '.join(SCOPES)}")
        query = " ".join(query.split())[:MAX_QUERY]
        results = Results(query)
        if not query:
            return results
        parts, params = [], []
        if scope in ("all", "documents") and self._has["documents"]:
            parts.append("SELECT 'document' AS kind, id, id AS doc_id, 0 AS start, NULL AS speaker, "
                         "fts_main_docs.match_bm25(id, ?) AS score FROM docs")
            params.append(query)
        if scope in ("all", "quotes") and self._has["quotes"]:
            parts.append("SELECT 'quote' AS kind, id, doc_id, start, speaker, "
                         "fts_main_quotes.match_bm25(id, ?) AS score FROM quotes")
            params.append(query)
        if not parts:
            return results
        sql = f"SELECT * FROM ({' UNION ALL '.join(parts)}) WHERE score IS NOT NULL"
        with self._lock:
            results.total = self._con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
            rows = self._con.execute(f"{sql} ORDER BY score DESC, kind, id LIMIT ? OFFSET ?",
                                     [*params, limit, offset]).fetchall()
            stems = self._stems(query)
            quote_texts = dict(self._con.execute(
                "SELECT id, text FROM quotes WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                [[r[1] for r in rows if r[0] == "quote"]]).fetchall()) if rows else {}
        for kind, hid, doc_id, start, speaker, score in rows:
            text = self._texts.get(doc_id, "") if kind == "document" else quote_texts.get(hid, "")
            pieces, at = snippet(text, stems)
            results.hits.append(Hit(kind, hid, doc_id, self._titles.get(doc_id, doc_id), float(score), pieces,
                                    at + (start if kind == "quote" else 0), speaker or None))
        return results


def snippet(text: str, stems: list[str], width: int = SNIPPET_CHARS) -> tuple[tuple[tuple[str, bool], ...], int]:
    """The stretch of ``text`` with the most query words, cut into ``(piece, is_hit)``.

    Args:
        text: The document or quote text.
        stems: Lower-case stems; a word is a hit when it starts with one.
        width: Characters of context to show.

    Returns:
        The pieces (with ``…`` where text was cut) and the offset where the snippet starts.
    """
    hits = [(m.start(), m.end()) for m in _WORD.finditer(text)
            if any(m.group().lower().startswith(s) for s in stems)][:_MAX_HITS]
    if not hits:
        start = 0
    else:
        # The window starting a little before a hit that covers the most hits.
        best = max(hits, key=lambda h: sum(1 for s, _ in hits if h[0] <= s < h[0] + width - 60))
        start = max(0, best[0] - 60)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + width)
    while end < len(text) and not text[end].isspace() and end - start < width + 30:
        end += 1
    pieces: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    cursor = start
    for s, e in hits:
        if s < start or e > end:
            continue
        if s > cursor:
            pieces.append((text[cursor:s], False))
        pieces.append((text[s:e], True))
        cursor = e
    if end > cursor:
        pieces.append((text[cursor:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return tuple((_SPACES.sub(" ", p), hit) for p, hit in pieces if p), start
