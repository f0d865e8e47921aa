"""The exception tree. Catch :class:`CorroboratorError` for everything the library raises."""

from __future__ import annotations


class CorroboratorError(Exception):
    """Base of every error Corroborator raises on purpose."""


class InputError(CorroboratorError):
    """An input file cannot be used. ``path`` names it and ``reason`` says why."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StageError(CorroboratorError):
    """A processing stage failed on one document."""

    def __init__(self, stage: str, doc: str, reason: str):
        super().__init__(f"{stage} failed on {doc}: {reason}")
        self.stage = stage
        self.doc = doc
        self.reason = reason


class CaseFileError(CorroboratorError):
    """The case file is missing, unreadable or of an unknown schema."""


class ModelNotInstalledError(CorroboratorError):
    """No spaCy English pipeline is installed."""


class ExportError(CorroboratorError):
    """An export was asked for in a form that does not exist."""


class RedactionError(CorroboratorError):
    """Redaction could not guarantee that no protected name is left; nothing was written."""
