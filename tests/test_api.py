"""The public surface of the package."""

from __future__ import annotations

import corroborator


def test_api_all_names_exist_and_are_public() -> None:
    for name in corroborator.__all__:
        assert hasattr(corroborator, name), name
    public = {
        n for n in dir(corroborator)
        if not n.startswith("_") and getattr(getattr(corroborator, n), "__module__", "").startswith("corroborator")
    }
    # Every public class or function of ours at the top level is deliberately exported.
    assert public <= set(corroborator.__all__), sorted(public - set(corroborator.__all__))


def test_api_errors_share_one_base() -> None:
    for name in ("InputError", "CaseFileError", "StageError", "ModelNotInstalledError", "ExportError"):
        assert issubclass(getattr(corroborator, name), corroborator.CorroboratorError)
