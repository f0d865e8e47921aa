"""The case as the web app holds it: the corrected case and per-reader views, over a :class:`~corroborator.web.casedb.CaseDb`.

The case file is opened read-write only while a request needs it and closed once the
app has been idle for a moment, so ``corroborator export`` or ``report`` can read the
same file while the server runs. A ``build`` of the case announces itself with the
build lock (:func:`~corroborator.store.build_running`): the app then lets go of the
file after the request it is answering, and until the build is over it serves the case
it has loaded to readers whose session it has checked, keeps the audit records those
views make in memory (written once the file is free again), and answers anything that
must write (a review, a login) with 503 "the case is being built". The first request
after the build loads the new documents. The machine case, the reviews and the corrected case
are cached and reloaded when the file changes; each reader sees a *view*: the corrected
case, redacted unless an admin has chosen to reveal protected identities.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborator import review
from corroborator.errors import CaseFileError
from corroborator.model import Case, Claim, Document, Entity, Figure, Quote
from corroborator.outputs.export import case_to_dict
from corroborator.outputs.redact import redact
from corroborator.outputs.textmap import TextMap
from corroborator.review import Review, ReviewState
from corroborator.review.accounts import Session
from corroborator.store import CaseStore
from corroborator.store.search import SearchIndex
from corroborator.web.casedb import EXITING, OPEN_DBS, CaseDb
from corroborator.witnesses import Witnesses, assign_pseudonyms

logger = logging.getLogger(__name__)

#: Prefix of the machine id given for a redacted id with no certain counterpart (matches no item).
UNMAPPED = "unmapped:"
KINDS = ("documents", "entities", "quotes", "figures", "claims", "events")


@dataclass(frozen=True)
class Settings:
    """How the web app runs.

    Attributes:
        secure_cookies: Mark cookies ``Secure`` (set when served over HTTPS).
        session_hours: The longest a login lasts, however busy.
        session_idle_minutes: A login unused this long ends (0: only ``session_hours``).
        login_attempts: Failed logins of one name from one address before its attempts wait.
        login_window: Quiet seconds after which failed logins are forgotten.
        login_per_address: Failed logins from one address, across names, before its attempts wait.
        login_name_addresses: Distinct addresses failing on one name before browsers that never
            logged in as that name wait.
        login_backoff: The first wait in seconds; it doubles with each further failure.
        login_backoff_cap: The longest wait in seconds.
        idle_close: Seconds of quiet after which the case file is closed for other processes.
        page_size: Rows per page in lists.
        clock: The wall clock in POSIX seconds (injectable for tests).
    """

    secure_cookies: bool = False
    session_hours: float = 12.0
    session_idle_minutes: float = 30.0
    login_attempts: int = 5
    login_window: float = 900.0
    login_per_address: int = 10
    login_name_addresses: int = 5
    login_backoff: float = 5.0
    login_backoff_cap: float = 900.0
    idle_close: float = 2.0
    page_size: int = 50
    clock: Callable[[], float] = field(default=time.time, compare=False)


# Everything the web layer may hold open in this process, closed on the main thread at exit.
# A pending idle timer keeps its CaseDb alive after the app is gone, so both are tracked.
_STATES: weakref.WeakSet[CaseState] = weakref.WeakSet()
_DBS = OPEN_DBS
_exiting = EXITING


def close_all() -> None:
    """Close every case file, idle timer and search index the web layer holds open in this process."""
    for state in list(_STATES):
        state.close()
    for db in list(_DBS):
        db.close()


@atexit.register
def _close_at_exit() -> None:
    """Close everything on the main thread before the interpreter finalizes; open nothing after.

    A DuckDB connection still at work in a daemon thread (an idle-close timer, a request
    thread) when the interpreter finalizes aborts the whole process.
    """
    _exiting.set()
    close_all()


@dataclass
class View:
    """What one reader sees: the corrected case, redacted or not, with lookups by id."""

    case: Case
    redacted: bool
    version: tuple[Any, ...]
    to_raw: dict[str, dict[str, str]]
    raw: Case
    text_maps: dict[str, TextMap] = field(default_factory=dict)
    _data: dict[str, Any] | None = None
    _search: SearchIndex | None = None
    # Re-entrant: a cached value may be built from another cached value.
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _cache: dict[Any, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        c = self.case
        self.docs: dict[str, Document] = {d.id: d for d in c.documents}
        self.entities: dict[str, Entity] = {e.id: e for e in c.entities}
        self.quotes: dict[str, Quote] = {q.mention.id: q for q in c.quotes}
        self.figures: dict[str, Figure] = {f.mention.id: f for f in c.figures}
        self.claims: dict[str, Claim] = {x.id: x for x in c.claims}
        self.entity_of_mention = {m: e.id for e in c.entities for m in e.mention_ids}
        self.claims_of_figure: dict[str, list[str]] = {}
        for claim in c.claims:
            for fid in claim.figure_ids:
                self.claims_of_figure.setdefault(fid, []).append(claim.id)
        self.from_raw = {kind: {r: v for v, r in ids.items()} for kind, ids in self.to_raw.items()}

    def raw_id(self, kind: str, view_id: str) -> str:
        """The machine id behind an id shown to this reader (the same id when not redacted).

        A redacted id without a certain machine counterpart gives an id no item has:
        falling back to the shown id could name a different machine item.
        """
        if not self.redacted:
            return view_id
        return self.to_raw.get(kind, {}).get(view_id) or UNMAPPED + view_id

    def mapped(self, kind: str, view_id: str) -> bool:
        """Whether ``view_id`` is known to be one machine item (always, when not redacted)."""
        return not self.redacted or view_id in self.to_raw.get(kind, {})

    def view_id(self, kind: str, raw_id: str) -> str:
        """The id this reader sees for a machine id."""
        return self.from_raw.get(kind, {}).get(raw_id, raw_id) if self.redacted else raw_id

    def data(self) -> dict[str, Any]:
        """The view as the JSON export contract (``export.case_to_dict``), built once."""
        with self._lock:
            if self._data is None:
                self._data = case_to_dict(self.case) | {"redacted": self.redacted}
            return self._data

    def cached(self, key: Any, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per view (views are rebuilt whenever the case changes)."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = build()
            return self._cache[key]

    def witnesses(self) -> Witnesses:
        """The protected witnesses of the corrected case and their pseudonyms, assigned once."""
        found: Witnesses = self.cached("witnesses", lambda: assign_pseudonyms(self.raw))
        return found

    def text_map(self, doc_id: str) -> TextMap | None:
        """Exact offsets between the machine text and this reader's redacted text of ``doc_id`` (a view id)."""
        return self.text_maps.get(self.raw_id("documents", doc_id)) if self.redacted else None

    def close(self) -> None:
        """Free this view's search index (it is rebuilt on next use)."""
        with self._lock:
            if self._search is not None:
                self._search.close()
                self._search = None

    def search(self) -> SearchIndex:
        """The full-text index of this view, built on first use."""
        with self._lock:
            if self._search is None:
                if _exiting.is_set():
                    raise CaseFileError("search is closed: the process is exiting")
                self._search = SearchIndex(self.case)
            return self._search


class CaseState:
    """The machine case, its reviews and the corrected case, reloaded when the file changes."""

    def __init__(self, path: Path, settings: Settings):
        self.path = path
        self.settings = settings
        self.db = CaseDb(path, settings.idle_close)
        self._lock = threading.RLock()
        self._token: tuple[Any, ...] | None = None
        self._base: Case | None = None
        self.reviews: list[Review] = []
        self.state = ReviewState()
        self.corrected = Case()
        self._views: dict[bool, View] = {}
        #: Sessions checked against the case file, by token hash: (session, when checked), for use during a build.
        self._sessions: dict[str, tuple[Session, float]] = {}
        _STATES.add(self)

    @property
    def loaded(self) -> bool:
        """Whether the case has been loaded from the file at least once."""
        return self._token is not None

    def remember_session(self, token: str | None, session: Session | None) -> None:
        """Note what the case file said of a session cookie just now (None: no live session)."""
        if not token:
            return
        key = _token_key(token)
        with self._lock:
            if session is None:
                self._sessions.pop(key, None)
                return
            if len(self._sessions) >= MAX_REMEMBERED_SESSIONS:
                oldest = min(self._sessions, key=lambda k: self._sessions[k][1])
                del self._sessions[oldest]
            self._sessions[key] = (session, time.monotonic())

    def remembered_session(self, token: str | None) -> Session | None:
        """A session the case file confirmed within a session's lifetime (used while the file is being built)."""
        if not token:
            return None
        with self._lock:
            found = self._sessions.get(_token_key(token))
        if found is None or time.monotonic() - found[1] > self.settings.session_hours * 3600:
            return None
        return found[0]

    def close(self) -> None:
        """Close the case file and the views' search indexes (both reopen on the next request)."""
        with self._lock:
            for view in self._views.values():
                view.close()
            self.db.close()

    def refresh(self, store: CaseStore) -> None:
        """Reload what changed in the case file since the last request."""
        token = store.change_token()
        with self._lock:
            if token == self._token:
                return
            # The last element counts reviews: those alone need no reload of the machine case.
            if self._token is None or token[:-1] != self._token[:-1] or self._base is None:
                self._base = store.load_case()
            self.reviews = review.load_reviews(store)
            self.state = review.review_state(self.reviews)
            self.corrected = review.apply_reviews(self._base, self.reviews, review.case_settings(store))
            self._views = {}
            self._token = token
            logger.info("case %s loaded: %d documents, %d reviews", self.path, len(self._base.documents),
                        len(self.reviews))

    @property
    def base(self) -> Case:
        """The machine case, as the build wrote it."""
        return self._base or Case()

    @property
    def version(self) -> tuple[Any, ...]:
        """Changes whenever the case file or its reviews change."""
        return self._token or ()

    def view(self, *, redacted: bool) -> View:
        """The corrected case as a reader sees it; redacted views are built once per version.

        Raises:
            RedactionError: Redaction could not guarantee that no protected name is left.
        """
        with self._lock:
            if redacted not in self._views:
                corrected = self.corrected
                if redacted:
                    self._views[redacted] = _redacted_view(corrected, self.version)
                else:
                    self._views[redacted] = View(corrected, False, self.version, {}, corrected)
            return self._views[redacted]

    def has_protected(self) -> bool:
        """Whether the case holds anyone whose identity is protected."""
        c = self.corrected
        return bool(c.protected) or any(e.protected for e in c.entities) or any(q.protected for q in c.quotes)


#: Sessions remembered for serving during a build; the least recently checked goes first.
MAX_REMEMBERED_SESSIONS = 10_000


def _token_key(token: str) -> str:
    """What a session cookie is remembered by (its hash: the cookie itself is not kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _redacted_view(corrected: Case, version: tuple[Any, ...]) -> View:
    """The redacted view of a corrected case, with the redaction's own id and offset maps.

    Raises:
        RedactionError: Redaction could not guarantee that no protected name is left.
    """
    done = redact(corrected)
    return View(done.case, True, version, done.ids, corrected, done.texts)
