"""The audit and review records form a hash chain: any change, deletion or insertion is found and named."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import threading
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from corroborator import review
from corroborator.cli import cli
from corroborator.review import accounts
from corroborator.store import open_case
from corroborator.store.accounts import AccountRepository
from corroborator.store.audit import GENESIS, HEAD_KEY, record_hash, verify_chain

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "case-schema1.duckdb.gz"
PASSWORD = "correct horse battery staple"


@pytest.fixture()
def case(tmp_path: Path) -> Path:
    """A new case file with account actions and reviews, interleaved."""
    path = tmp_path / "case.duckdb"
    with open_case(path, create=True) as store:
        accounts.add_user(store, "edna", "editor", PASSWORD)  # audit 1
        review.record_review(store, user="edna", action="figure.reject", target="fig-1", before={"value": 40},
                             after={}, note="misread")  # review 1
        accounts.record_audit(store, "edna", "login", None, {"client": "10.0.0.1"})  # audit 2
        review.record_review(store, user="edna", action="figure.correct", target="fig-2", before={"value": 7},
                             after={"value": 70}, note="Правка")  # review 2
        accounts.add_user(store, "vic", "viewer", PASSWORD)  # audit 3
        review.record_review(store, user="vic", action="figure.confirm", target="fig-3", before={}, after={})
        accounts.record_audit(store, "edna", "logout")  # audit 4
    return path


def _sql(path: Path, sql: str, params: list | None = None) -> list:
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _verify(path: Path):  # type: ignore[no-untyped-def]
    with open_case(path, read_only=True) as store:
        return verify_chain(store)


def _cli(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["audit", "verify", *map(str, args)])


def test_audit_chain_of_a_new_case_verifies_and_links_every_record(case: Path) -> None:
    report = _verify(case)
    assert report.ok and report.broken is None
    assert report.count == 7 and report.records == {"audit": 4, "reviews": 3}
    rows = _sql(case, "SELECT chain_pos, prev_hash, row_hash, 'audit' FROM audit UNION ALL "
                      "SELECT chain_pos, prev_hash, row_hash, 'reviews' FROM reviews ORDER BY chain_pos")
    assert [r[0] for r in rows] == list(range(1, 8))
    assert [r[3] for r in rows] == ["audit", "reviews", "audit", "reviews", "audit", "reviews", "audit"]
    assert rows[0][1] == GENESIS
    assert all(later[1] == earlier[2] for earlier, later in zip(rows, rows[1:]))
    assert report.head == rows[-1][2] and len(report.head) == 64
    assert json.loads(_sql(case, "SELECT value FROM meta WHERE key = ?", [HEAD_KEY])[0][0]) == {
        "count": 7, "hash": report.head}
    result = _cli(case)
    assert result.exit_code == 0, result.output
    assert f"Head: {report.head}" in result.output and "Records: 7 (4 audit, 3 reviews)" in result.output
    assert "Chain intact." in result.output


def test_audit_chain_hash_can_be_recomputed_from_the_documented_serialisation(case: Path) -> None:
    seq, at, user, action, target, before, after, note, pos, prev, stored = _sql(
        case, "SELECT seq, at_utc, user_name, action, target, before, after, note, chain_pos, prev_hash, row_hash "
              "FROM reviews WHERE note = 'Правка'")[0]
    fields = [seq, at.isoformat(sep=" ", timespec="microseconds"), user, action, target, before, after, note]
    text = json.dumps(["corroborator-chain-v1", "reviews", pos, prev, fields], ensure_ascii=False,
                      separators=(",", ":"))
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == stored
    assert record_hash("reviews", pos, prev, [seq, at, user, action, target, before, after, note]) == stored


def test_audit_chain_finds_an_edited_record_and_names_it(case: Path) -> None:
    head = _verify(case).head
    seq = _sql(case, "SELECT seq FROM audit WHERE action = 'login'")[0][0]
    _sql(case, "UPDATE audit SET detail = ? WHERE seq = ?", [json.dumps({"client": "10.9.9.9"}), seq])
    report = _verify(case)
    assert not report.ok
    broken = report.broken
    assert (broken.table, broken.seq, broken.position) == ("audit", seq, 3)
    assert "changed after it was written" in broken.reason
    # Only the edited record is named: the records after it still link to what it stored.
    assert len(report.problems) == 1 and report.head == head
    result = _cli(case)
    assert result.exit_code != 0
    assert f"audit record {seq} (chain position 3)" in result.output and "changed" in result.output


def test_audit_chain_finds_an_edited_review_time(case: Path) -> None:
    _sql(case, "UPDATE reviews SET at_utc = at_utc - INTERVAL 1 DAY WHERE seq = 1")
    broken = _verify(case).broken
    assert broken is not None and (broken.table, broken.seq) == ("reviews", 1)


def test_audit_chain_finds_a_deleted_record(case: Path) -> None:
    _sql(case, "DELETE FROM reviews WHERE seq = 2")  # chain position 4
    report = _verify(case)
    broken = report.broken
    assert broken is not None and (broken.table, broken.seq, broken.position) == ("audit", 3, 5)
    assert "1 record(s) before it were deleted" in broken.reason
    result = _cli(case)
    assert result.exit_code != 0 and "audit record 3 (chain position 5)" in result.output


def test_audit_chain_finds_the_newest_record_deleted(case: Path) -> None:
    _sql(case, "DELETE FROM audit WHERE seq = 4")  # the last of the chain
    report = _verify(case)
    assert report.count == 6 and not report.ok
    assert report.broken.table == "meta" and "newest record(s) were deleted" in report.broken.reason


def test_audit_chain_finds_an_inserted_record(case: Path) -> None:
    _sql(case, "INSERT INTO audit (seq, at_utc, user_name, action, target, detail) "
               "VALUES (nextval('audit_seq'), ?, 'edna', 'login', NULL, '{}')",
         [datetime(2024, 1, 1)])
    report = _verify(case)
    broken = report.broken
    assert broken is not None and (broken.table, broken.seq, broken.position) == ("audit", 5, None)
    assert "inserted outside Corroborator" in broken.reason
    result = _cli(case)
    assert result.exit_code != 0 and "audit record 5" in result.output


def test_audit_chain_finds_a_record_inserted_with_a_taken_position(case: Path) -> None:
    pos, prev = _sql(case, "SELECT chain_pos, prev_hash FROM audit WHERE action = 'login'")[0]
    fields = [99, datetime(2024, 1, 1), "edna", "login", None, "{}"]
    forged = record_hash("audit", pos, prev, fields)
    _sql(case, "INSERT INTO audit VALUES (99, ?, 'edna', 'login', NULL, '{}', ?, ?, ?)",
         [datetime(2024, 1, 1), pos, prev, forged])
    broken = _verify(case).broken
    assert broken is not None and (broken.table, broken.seq) == ("audit", 99)
    assert "is taken by" in broken.reason


def test_audit_chain_finds_a_well_forged_record_appended_outside(case: Path) -> None:
    report = _verify(case)
    fields = [99, datetime(2024, 1, 1), "edna", "login", None, "{}"]
    forged = record_hash("audit", 8, report.head, fields)
    _sql(case, "INSERT INTO audit VALUES (99, ?, 'edna', 'login', NULL, '{}', 8, ?, ?)",
         [datetime(2024, 1, 1), report.head, forged])
    broken = _verify(case).broken
    assert broken is not None and (broken.table, broken.seq, broken.position) == ("audit", 99, 8)
    assert "added after" in broken.reason


def test_audit_chain_rewritten_whole_changes_the_published_head(case: Path) -> None:
    published = _verify(case).head
    assert _cli(case, "--expect", published).exit_code == 0
    # Someone edits a record and recomputes every hash after it, and the recorded head.
    _sql(case, "UPDATE audit SET detail = '{}' WHERE action = 'login'")
    with open_case(case) as store:
        prev = GENESIS
        for table, seq, pos in store.con.execute(
                "SELECT 'audit', seq, chain_pos FROM audit UNION ALL SELECT 'reviews', seq, chain_pos FROM reviews "
                "ORDER BY chain_pos").fetchall():
            cols = ("seq, at_utc, user_name, action, target, detail" if table == "audit"
                    else "seq, at_utc, user_name, action, target, before, after, note")
            fields = store.con.execute(f"SELECT {cols} FROM {table} WHERE seq = ?", [seq]).fetchone()
            digest = record_hash(table, pos, prev, fields)
            store.con.execute(f"UPDATE {table} SET prev_hash = ?, row_hash = ? WHERE seq = ?", [prev, digest, seq])
            prev = digest
        store.con.execute("UPDATE meta SET value = ? WHERE key = ?", [json.dumps({"count": 7, "hash": prev}), HEAD_KEY])
    report = _verify(case)
    assert report.ok and report.head != published and report.position_of(published) is None
    result = _cli(case, "--expect", published)
    assert result.exit_code != 0 and "not in the chain" in result.output


def test_audit_chain_published_head_stays_in_a_growing_chain(case: Path) -> None:
    published = _verify(case).head
    with open_case(case) as store:
        accounts.record_audit(store, "edna", "login")
    report = _verify(case)
    assert report.ok and report.count == 8 and report.position_of(published) == 7
    result = _cli(case, "--expect", published)
    assert result.exit_code == 0 and "Published head found at record 7 of 8" in result.output


def test_audit_chain_stays_whole_with_concurrent_writers(case: Path) -> None:
    errors: list[BaseException] = []
    with open_case(case) as store:
        def write(n: int) -> None:
            cursor = store.con.cursor()  # one connection per thread, one database
            try:
                repo = AccountRepository(cursor)
                for i in range(15):
                    repo.add_audit(datetime.now(), f"user{n}", "view", str(i), {"n": n})
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                cursor.close()

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        report = verify_chain(store)
    assert errors == []
    assert report.ok, report.broken
    assert report.count == 7 + 60


def test_audit_chain_write_in_an_open_transaction_is_part_of_it(case: Path) -> None:
    with open_case(case) as store:
        with pytest.raises(RuntimeError), store.transaction():
            accounts.record_audit(store, "edna", "login")
            raise RuntimeError("the surrounding write failed")
        assert verify_chain(store).count == 7
        with store.transaction():
            accounts.record_audit(store, "edna", "login")
        assert verify_chain(store).ok and verify_chain(store).count == 8


@pytest.fixture()
def old_case(tmp_path: Path) -> Path:
    path = tmp_path / "old.duckdb"
    with gzip.open(FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def test_audit_chain_of_a_migrated_schema1_case_verifies(old_case: Path) -> None:
    before = _sql(old_case, "SELECT 'audit', seq, at_utc FROM audit UNION ALL SELECT 'reviews', seq, at_utc "
                            "FROM reviews ORDER BY at_utc")
    in_memory = _verify(old_case)  # read-only: chained in memory, the file left as it is
    assert in_memory.ok and in_memory.count == len(before) == 3
    assert "chain_pos" not in {r[0] for r in _sql(old_case, "SELECT column_name FROM information_schema.columns "
                                                            "WHERE table_name = 'audit'")}
    with open_case(old_case) as store:
        report = verify_chain(store)
        assert report.ok and report.count == 3 and report.records == {"audit": 2, "reviews": 1}
        accounts.record_audit(store, "ana", "login")
        review.record_review(store, user="ana", action="figure.confirm", target="x", before={}, after={})
        assert verify_chain(store).ok and verify_chain(store).count == 5
    assert report.head == in_memory.head
    # Chained in the order written: by time across the two tables, each table by its own order.
    chained = _sql(old_case, "SELECT 'audit', seq, at_utc FROM audit WHERE chain_pos <= 3 UNION ALL "
                             "SELECT 'reviews', seq, at_utc FROM reviews WHERE chain_pos <= 3 ORDER BY at_utc")
    order = _sql(old_case, "SELECT tbl, seq FROM (SELECT 'audit' AS tbl, seq, chain_pos FROM audit UNION ALL "
                           "SELECT 'reviews', seq, chain_pos FROM reviews) WHERE chain_pos <= 3 ORDER BY chain_pos")
    assert order == [(t, s) for t, s, _ in chained] == [(t, s) for t, s, _ in before]
    assert _cli(old_case).exit_code == 0
    _sql(old_case, "UPDATE reviews SET note = 'edited' WHERE seq = (SELECT min(seq) FROM reviews)")
    result = _cli(old_case)
    assert result.exit_code != 0 and "reviews record" in result.output


def test_audit_verify_names_a_missing_case_file(tmp_path: Path) -> None:
    result = _cli(tmp_path / "nope.duckdb")
    assert result.exit_code == 1 and "no such case file" in result.output and "Traceback" not in result.output


def test_audit_chain_hashes_values_as_the_columns_keep_them(case: Path) -> None:
    from datetime import timedelta, timezone

    with open_case(case) as store:
        aware = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=3)))
        store.accounts.add_audit(aware, "edna", "export", 42, {"rows": 3})  # type: ignore[arg-type]
        review.record_review(store, user="edna", action="claim.lock", target="claim-1", before={}, after={})
        assert verify_chain(store).ok
    assert _sql(case, "SELECT at_utc, target FROM audit WHERE action = 'export'") == [
        (datetime(2024, 5, 1, 9, 0, 0, 123456), "42")]
    assert _verify(case).ok
