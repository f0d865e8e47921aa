"""The hash chain over the ``audit`` and ``reviews`` tables: the case file's chain of custody.

Every audit record and every review record is one link of a single chain, in the order
they were written (``chain_pos`` 1, 2, ...). Each record stores ``prev_hash``, the hash
of the record before it (:data:`GENESIS` for the first), and ``row_hash``, its own
hash: the SHA-256 (hex) of its canonical serialisation (:func:`canonical`), which
covers the table, the position, the previous hash and every field of the record.

Changing a record, deleting one, inserting one or reordering them breaks the chain at
that record, and :func:`verify_chain` names it. Someone who rewrites every hash after
the record they changed keeps the chain whole but changes its head: the head hash is
what to publish or notarise, and a published head must still be a link of the chain
later (:meth:`ChainReport.position_of`). ``meta`` keeps the head as last written
(:data:`HEAD_KEY`), so removing the newest records is seen as well.

The canonical serialisation, to re-check a chain without Corroborator: the compact JSON
(UTF-8, no spaces, no ASCII escaping) of ``["corroborator-chain-v1", table, chain_pos,
prev_hash, [field, ...]]``, the fields in the order of :data:`CHAINED`, timestamps as
``YYYY-MM-DD HH:MM:SS.ffffff``, absent values as ``null``.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from corroborator.store._files import bulk_insert

if TYPE_CHECKING:
    from corroborator.store import CaseStore

logger = logging.getLogger(__name__)

#: The fields of each chained table that its hash covers, in order.
CHAINED: dict[str, tuple[str, ...]] = {
    "audit": ("seq", "at_utc", "user_name", "action", "target", "detail"),
    "reviews": ("seq", "at_utc", "user_name", "action", "target", "before", "after", "note"),
}
#: The columns the chain adds to each chained table, in table order.
CHAIN_COLUMNS = (("chain_pos", "BIGINT"), ("prev_hash", "VARCHAR"), ("row_hash", "VARCHAR"))
#: The previous hash of the first record.
GENESIS = "0" * 64
#: The ``meta`` key of the chain's head as last written: ``{"count": n, "hash": h}``.
HEAD_KEY = "audit_chain_head"
_VERSION = "corroborator-chain-v1"
_LINKS = "_chain_links"
# One writer of the chain at a time in this process: the head is read and the record
# written under it. Writers in different transactions also conflict on the meta head row.
_WRITE_LOCK = threading.RLock()


class Link(NamedTuple):
    """One stored record of the chain: where it is, what it claims, and its fields."""

    table: str
    seq: int
    pos: int | None
    prev_hash: str | None
    row_hash: str | None
    fields: tuple[Any, ...]


def _plain(value: Any) -> Any:
    """A field as the canonical serialisation writes it."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="microseconds")
    return value


def canonical(table: str, pos: int, prev_hash: str, fields: Sequence[Any]) -> bytes:
    """The bytes a record's hash is taken of (see the module's description)."""
    data = [_VERSION, table, pos, prev_hash, [_plain(v) for v in fields]]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def record_hash(table: str, pos: int, prev_hash: str, fields: Sequence[Any]) -> str:
    """The SHA-256 (hex) of :func:`canonical`."""
    return hashlib.sha256(canonical(table, pos, prev_hash, fields)).hexdigest()


def _select(table: str) -> str:
    """The query of every record of a chained table as a :class:`Link` row, oldest first."""
    fields = ", ".join(f'"{f}"' for f in CHAINED[table])
    return f"SELECT chain_pos, prev_hash, row_hash, {fields} FROM {table} ORDER BY seq"


def _links(con: Any, table: str) -> Iterator[Link]:
    """Every record of one chained table, by ``seq``."""
    cursor = con.execute(_select(table))
    while chunk := cursor.fetchmany(10_000):
        for r in chunk:
            yield Link(table, r[3], r[0], r[1], r[2], tuple(r[3:]))


def _in_transaction(con: Any) -> bool:
    """Whether ``con`` is inside an open transaction (out of one, every statement gets a new id)."""
    first = con.execute("SELECT txid_current()").fetchone()[0]
    return bool(first == con.execute("SELECT txid_current()").fetchone()[0])


@contextmanager
def _transaction(con: Any) -> Iterator[None]:
    """A transaction of its own, or the caller's when one is open already (the caller commits)."""
    if _in_transaction(con):
        yield
        return
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


#: The sequence that numbers each chained table's records.
_SEQUENCES = {"audit": "audit_seq", "reviews": "review_seq"}
#: The position and hash of the newest record of the chain.
_HEAD = ("SELECT chain_pos, row_hash FROM (SELECT chain_pos, row_hash FROM audit UNION ALL "
         "SELECT chain_pos, row_hash FROM reviews) WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1")


def _set_head(con: Any, count: int, head: str) -> None:
    """Record the chain's head in ``meta``."""
    value = json.dumps({"count": count, "hash": head})
    updated = con.execute("UPDATE meta SET value = ? WHERE key = ?", [value, HEAD_KEY]).fetchone()
    if not updated or not updated[0]:
        con.execute("INSERT INTO meta VALUES (?, ?)", [HEAD_KEY, value])


def _stored(name: str, value: Any) -> Any:
    """A field's value as its column gives it back: ``at_utc`` a naive UTC datetime, the others text."""
    if value is None:
        return None
    if name == "at_utc":
        when = datetime.fromisoformat(value) if isinstance(value, str) else value
        return when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo is not None else when
    return str(value)


def append(con: Any, table: str, values: dict[str, Any]) -> tuple[Any, ...]:
    """Write one record at the end of the chain and return its chained fields as stored.

    The head is read and the record written in one transaction (the caller's, if one is
    open), under a lock shared by every writer of this process; writers of other
    connections conflict on the head ``meta`` keeps, so one of them fails rather than
    forking the chain.

    Args:
        con: The case file's connection.
        table: ``"audit"`` or ``"reviews"``.
        values: The record's fields but ``seq`` (the table's sequence numbers it); a
            field left out is NULL.
    """
    if table not in CHAINED:
        raise ValueError(f"{table!r} is not a chained table; chained tables: {', '.join(CHAINED)}")
    names = CHAINED[table]
    columns = ", ".join(f'"{n}"' for n in names)
    with _WRITE_LOCK, _transaction(con):
        row = con.execute(f"SELECT nextval('{_SEQUENCES[table]}'), h.chain_pos, h.row_hash FROM (SELECT 1) "
                          f"LEFT JOIN ({_HEAD}) h ON TRUE").fetchone()
        pos, prev = (int(row[1]), str(row[2] or GENESIS)) if row[1] is not None else (0, GENESIS)
        fields = (row[0], *(_stored(n, values.get(n)) for n in names[1:]))
        digest = record_hash(table, pos + 1, prev, fields)
        con.execute(f"INSERT INTO {table} ({columns}, chain_pos, prev_hash, row_hash) VALUES "
                    f"({', '.join('?' * len(names))}, ?, ?, ?)", [*fields, pos + 1, prev, digest])
        _set_head(con, pos + 1, digest)
    return fields


def add_chain(con: Any) -> None:
    """Give ``audit`` and ``reviews`` the chain's columns and chain their records (a migration step).

    The records are chained in the order they were written: each table's own order,
    the two merged by time. In a read-only file's in-memory mirror the two tables are
    views of the file: they are copied into memory first, so the file is never written.
    """
    for table in CHAINED:
        kind = con.execute("SELECT table_type FROM information_schema.tables WHERE table_catalog = "
                           "current_database() AND table_name = ?", [table]).fetchone()
        if kind is not None and kind[0] == "VIEW":
            con.execute(f'ALTER VIEW "{table}" RENAME TO "_{table}_before_chain"')
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM "_{table}_before_chain"')
        else:
            # append() numbers records itself. And DuckDB cannot replay, from its write-ahead log
            # after a crash, an ALTER of a table whose column defaults to nextval(): the file would
            # not open again. So the default goes first (dropping it replays fine).
            con.execute(f'ALTER TABLE "{table}" ALTER COLUMN seq DROP DEFAULT')
        for name, dtype in CHAIN_COLUMNS:
            con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {dtype}')
    merged = heapq.merge(_links(con, "audit"), _links(con, "reviews"), key=lambda link: link.fields[1])
    prev, count, found = GENESIS, 0, []
    for count, link in enumerate(merged, start=1):
        digest = record_hash(link.table, count, prev, link.fields)
        found.append((link.table, link.seq, count, prev, digest))
        prev = digest
    if found:
        con.execute(f"CREATE TEMP TABLE {_LINKS} (tbl VARCHAR, seq BIGINT, chain_pos BIGINT, prev_hash VARCHAR, "
                    "row_hash VARCHAR)")
        bulk_insert(con, _LINKS, found)
        for table in CHAINED:
            con.execute(f"UPDATE {table} SET chain_pos = l.chain_pos, prev_hash = l.prev_hash, "
                        f"row_hash = l.row_hash FROM {_LINKS} l WHERE l.tbl = ? AND l.seq = {table}.seq", [table])
        con.execute(f"DROP TABLE {_LINKS}")
    _set_head(con, count, prev)
    logger.info("audit chain: %d existing record(s) chained", count)


@dataclass(frozen=True)
class BrokenRecord:
    """Where the chain breaks: the record (``table`` and ``seq``) and what differs."""

    table: str
    seq: int | None
    position: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.table} record {self.seq}" if self.seq is not None else self.table
        at = f" (chain position {self.position})" if self.position is not None else ""
        return f"{where}{at}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found.

    Attributes:
        count: Records in the chain.
        head: The hash of the newest record (:data:`GENESIS` when there is none): the
            value to publish or notarise.
        records: Records per table.
        problems: Every break found, in chain order; the first is :attr:`broken`.
    """

    count: int
    head: str
    records: dict[str, int]
    problems: tuple[BrokenRecord, ...] = ()
    _positions: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether the chain is intact."""
        return not self.problems

    @property
    def broken(self) -> BrokenRecord | None:
        """The first broken record, or None."""
        return self.problems[0] if self.problems else None

    def position_of(self, head: str) -> int | None:
        """The position of the record whose hash is ``head`` (a head published earlier), or None."""
        return self._positions.get(head.strip().lower())


def _check_link(link: Link, expected_pos: int, prev: str, before: Link | None) -> str | None:
    """What is wrong with one record, read in chain order, or None."""
    if link.pos is not None and link.pos > expected_pos:
        missing = link.pos - expected_pos
        return f"chain position {link.pos} follows {expected_pos - 1}: {missing} record(s) before it were deleted"
    if link.row_hash is None:
        return "it has no stored hash"
    digest = record_hash(link.table, link.pos or 0, link.prev_hash or "", link.fields)
    if digest != link.row_hash:
        return (f"its fields do not match its stored hash (stored {link.row_hash[:16]}…, computed {digest[:16]}…): "
                "it was changed after it was written")
    if link.prev_hash != prev:
        after = f"{before.table} record {before.seq}" if before else "the start of the chain"
        return (f"its previous hash {str(link.prev_hash)[:16]}… is not the hash of {after} ({prev[:16]}…): "
                "the record before it was replaced or removed")
    return None


def verify_chain(store: CaseStore) -> ChainReport:
    """Check the chain of the ``audit`` and ``reviews`` records of a case file.

    Args:
        store: The case file (opened read-only is enough), or its connection.

    Returns:
        The count, the head hash and every break, in chain order: a changed record, a
        deleted one (a gap in the positions, or fewer records than the head ``meta``
        recorded), an inserted one (no chain position, a position taken twice, or more
        records than recorded), a replaced one.
    """
    con = getattr(store, "con", store)
    links = sorted((link for table in CHAINED for link in _links(con, table)),
                   key=lambda k: (k.pos is None, k.pos or 0, k.table, k.seq))
    records = {table: sum(1 for k in links if k.table == table) for table in CHAINED}
    problems: list[BrokenRecord] = []
    prev, expected, before = GENESIS, 1, None
    positions: dict[str, int] = {}
    for link in links:
        if link.pos is None:
            problems.append(BrokenRecord(link.table, link.seq, None, "it has no chain position: it was inserted "
                                         "outside Corroborator"))
            continue
        if link.pos < expected:
            taken = f"{before.table} record {before.seq}" if before else "another record"
            problems.append(BrokenRecord(link.table, link.seq, link.pos,
                                         f"chain position {link.pos} is taken by {taken} too: it was inserted"))
            continue
        wrong = _check_link(link, expected, prev, before)
        if wrong:
            problems.append(BrokenRecord(link.table, link.seq, link.pos, wrong))
        # The next record links to what this one stored, so one change is reported once.
        prev, expected, before = link.row_hash or GENESIS, link.pos + 1, link
        positions[prev] = link.pos
    count, head = expected - 1, prev
    problems += _check_recorded_head(con, count, head, links)
    return ChainReport(count, head, records, tuple(problems), positions)


def _check_recorded_head(con: Any, count: int, head: str, links: list[Link]) -> list[BrokenRecord]:
    """The chain's end against the head ``meta`` recorded at the last write."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [HEAD_KEY]).fetchone()
    if row is None:
        return [BrokenRecord("meta", None, None, f"the chain's head ({HEAD_KEY}) is not recorded: it was removed")]
    recorded = json.loads(row[0])
    if recorded.get("count") == count and recorded.get("hash") == head:
        return []
    if recorded.get("count", 0) > count:
        return [BrokenRecord("meta", None, count + 1,
                             f"the log recorded {recorded.get('count')} record(s) ending in "
                             f"{str(recorded.get('hash'))[:16]}…, the chain ends at {count}: "
                             "the newest record(s) were deleted")]
    extra = next((k for k in links if k.pos == recorded.get("count", 0) + 1), None)
    if extra is not None and recorded.get("count", 0) < count:
        return [BrokenRecord(extra.table, extra.seq, extra.pos, f"the log recorded {recorded.get('count')} "
                             "record(s): this one was added after, outside Corroborator")]
    return [BrokenRecord("meta", None, count, f"the chain ends in {head[:16]}…, but the log recorded "
                         f"{str(recorded.get('hash'))[:16]}…: the newest record was replaced")]
