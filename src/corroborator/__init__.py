"""Corroborator: a verified, sourced case file from a pile of reports about one crisis."""

from corroborator.api import CaseInfo, case_info, export_case, load_case, write_report
from corroborator.build import BuildOptions, BuildSummary, build
from corroborator.errors import (
    CaseFileError,
    CorroboratorError,
    ExportError,
    InputError,
    ModelNotInstalledError,
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
    "Mention",
    "ModelNotInstalledError",
    "NoiseSpan",
    "ProtectedPerson",
    "Quote",
    "StageError",
    "__version__",
]
