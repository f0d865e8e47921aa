"""Corroborator: a verified, sourced case file from a pile of reports about one crisis."""

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

__version__ = "0.1.0"

__all__ = [
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
