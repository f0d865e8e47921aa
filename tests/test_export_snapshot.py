"""The sample's JSON export is exactly the stored snapshot: refactorings change no output."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.snapshot import HERE, dump, sample_export_canonical


def _differences(old: object, new: object, path: str = "$") -> list[str]:
    if type(old) is not type(new):
        return [f"{path}: {type(old).__name__} became {type(new).__name__}"]
    if isinstance(old, dict):
        out = [f"{path}.{k}: removed" for k in old.keys() - new.keys()]
        out += [f"{path}.{k}: added" for k in new.keys() - old.keys()]
        for key in sorted(old.keys() & new.keys()):
            out += _differences(old[key], new[key], f"{path}.{key}")
        return out
    if isinstance(old, list):
        if len(old) != len(new):
            return [f"{path}: {len(old)} items became {len(new)}"]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in _differences(a, b, f"{path}[{i}]")]
    return [] if old == new else [f"{path}: {old!r} became {new!r}"]


def test_sample_export_matches_snapshot(built_sample: Path) -> None:
    expected = json.loads((HERE / "sample-export.json").read_text(encoding="utf-8"))
    got = json.loads(dump(sample_export_canonical(built_sample)))
    diffs = _differences(expected, got)
    assert not diffs, "the sample's export changed:\n" + "\n".join(diffs[:40])


def test_difference_finder_sees_a_changed_value() -> None:
    old = {"figures": [{"value": 56, "doc": "a"}], "totals": {}}
    new = {"figures": [{"value": 65, "doc": "a"}], "totals": {}, "extra": 1}
    assert _differences(old, new) == ["$.extra: added", "$.figures[0].value: 56 became 65"]
