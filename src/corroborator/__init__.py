"""Corroborator: a verified, sourced case file from a pile of reports about one crisis."""

from typing import TYPE_CHECKING, Any

from corroborator.errors import (
    AccountError,
    CaseFileBusyError,
    CaseFileError,
    CorroboratorError,
    ExportError,
    InputError,
    LoginError,
    ModelNotInstalledError,
    Problem,
    RedactionError,
    ReviewConflictError,
    ReviewError,
    StageError,
)
from corroborator.model import (
    Claim,
    Document,
    Entity,
    Event,
    Extraction,
    Figure,
    Mention,
    NoiseSpan,
    ProtectedPerson,
    Quote,
)
from corroborator.ingest import IngestOptions
from corroborator.store import CaseStore, open_case

if TYPE_CHECKING:
    from corroborator.api import CaseInfo, case_info, export_case, load_case, write_report
    from corroborator.engines.local import BuildOptions, BuildSummary, build

# The build pulls in every stage; importing it only when asked keeps `import corroborator` light.
_LAZY = {
    "BuildOptions": "corroborator.engines.local",
    "BuildSummary": "corroborator.engines.local",
    "build": "corroborator.engines.local",
    "CaseInfo": "corroborator.api",
    "case_info": "corroborator.api",
    "export_case": "corroborator.api",
    "load_case": "corroborator.api",
    "write_report": "corroborator.api",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'corroborator' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "BuildOptions",
    "BuildSummary",
    "CaseInfo",
    "CaseStore",
    "IngestOptions",
    "build",
    "case_info",
    "export_case",
    "load_case",
    "open_case",
    "write_report",
    "AccountError",
    "CaseFileBusyError",
    "CaseFileError",
    "Claim",
    "CorroboratorError",
    "Document",
    "Entity",
    "Event",
    "ExportError",
    "Extraction",
    "Figure",
    "InputError",
    "LoginError",
    "Mention",
    "ModelNotInstalledError",
    "NoiseSpan",
    "ProtectedPerson",
    "Quote",
    "Problem",
    "RedactionError",
    "ReviewConflictError",
    "ReviewError",
    "StageError",
    "__version__",
]
