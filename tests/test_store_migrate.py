"""A case file written by an earlier release opens, is migrated, and keeps everything in it."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from corroborator.review import accounts
from corroborator.api import export_case, load_case
from corroborator.store import SCHEMA_VERSION, open_case

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "case-schema1.duckdb.gz"


@pytest.fixture()
def old_case(tmp_path: Path) -> Path:
    path = tmp_path / "old.duckdb"
    with gzip.open(FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def test_schema1_case_opens_migrated_with_its_reviews_and_accounts(old_case: Path) -> None:
    case = load_case(old_case)
    machine = load_case(old_case, reviewed=False)
    assert case.schema_version == SCHEMA_VERSION
    # The one review rejected a figure: the reviewed case has one figure fewer than the machine's.
    assert len(machine.figures) - len(case.figures) == 1
    assert {d.outlet for d in case.documents} >= {"Wire", "Aid Daily"}
    with open_case(old_case) as store:
        assert store.schema_version == SCHEMA_VERSION
        user = accounts.get_user(store.con, "ana")
        assert user is not None and user.role == "admin"
        assert accounts.verify_password(store.con, "ana", "correct horse battery staple")
        assert [r.action for r in accounts.audit_records(store.con)][-1:] != []
    assert '"schema_version"' in export_case(old_case, "json")
