"""The web app reloads the machine case whenever the build changed it, and only then."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from corroborator.settings import DEFAULTS
from corroborator.web.state import CaseState, Settings
from tests.webcase import build_case


def test_a_rebuild_that_changes_no_count_still_reloads_the_machine_case(tmp_path: Path) -> None:
    path = tmp_path / "case.duckdb"
    build_case(path)
    state = CaseState(path, Settings(idle_close=0))
    try:
        with state.db.store() as store:
            state.refresh(store)
            first = state.base
            state.refresh(store)
            assert state.base is first  # nothing changed: nothing reloaded
            # Re-consolidation with other settings: same counts, a new entry in the build history.
            store.builds.record(DEFAULTS.digest(), DEFAULTS.to_json(), documents_added=0, consolidated=True)
            state.refresh(store)
            assert state.base is not first
            assert state.base.settings_digest == DEFAULTS.digest()
    finally:
        state.close()


def test_a_review_alone_does_not_reload_the_machine_case(built: tuple[Path, dict[str, str], object]) -> None:
    path, ids, _ = built
    state = CaseState(path, Settings(idle_close=0))
    try:
        with state.db.store() as store:
            state.refresh(store)
            first = state.base
            figure = next(f for f in first.figures)
            store.reviews.add(at=datetime(2026, 1, 1), user="ana", action="figure.confirm", target=figure.mention.id, before={}, after={})
            state.refresh(store)
            assert state.base is first
            assert [r.action for r in state.reviews] == ["figure.confirm"]
    finally:
        state.close()
