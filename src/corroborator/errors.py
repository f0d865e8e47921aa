"""The exception tree, and problems recorded while building.

Catch :class:`CorroboratorError` for everything the library raises. Every error carries
the HTTP ``status`` a web answer to it has (as datasette's errors do), so the web app
renders any of them with one handler and never guesses a status from a message.
"""

from __future__ import annotations

from dataclasses import dataclass


class CorroboratorError(Exception):
    """Base of every error Corroborator raises on purpose.

    Attributes:
        status: The HTTP status of a web answer to this error.
        echoes_input: Whether the message may repeat a value a reader sent (the web app
            then hides quoted values before showing it).
    """

    status: int = 500
    echoes_input: bool = False


class InputError(CorroboratorError):
    """An input file cannot be used. ``path`` names it and ``reason`` says why."""

    status = 400

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

    status = 503


class CaseFileBusyError(CaseFileError):
    """Another process holds the case file open for writing; trying again later may work."""


class CaseKeyError(CaseFileError):
    """An encrypted case file was opened without its key, or with a wrong one (the message never holds a key)."""


class ModelNotInstalledError(CorroboratorError):
    """No spaCy English pipeline is installed."""


class ExportError(CorroboratorError):
    """An export was asked for in a form that does not exist."""

    status = 400


class RedactionError(CorroboratorError):
    """Redaction could not guarantee that no protected name is left; nothing was written.

    Fail closed: a web answer shows nothing of the case.
    """


class ReviewError(CorroboratorError):
    """A review action is not valid (the message says why)."""

    status = 400
    echoes_input = True


class ReviewConflictError(ReviewError):
    """A review action conflicts with the case's state: a claim locked by someone else."""

    status = 409


class AccountError(CorroboratorError):
    """A user cannot be created or changed as asked (the message says why)."""

    status = 400
    echoes_input = True


class LoginError(CorroboratorError):
    """Login failed. The message never says whether the name or the password was wrong."""

    status = 401


class WebError(CorroboratorError):
    """An error a route answers with: an HTTP status and a message safe to show."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Problem:
    """A stage that failed on one document: recorded, stored and exported; the build goes on.

    Attributes:
        stage: The registered stage name, such as ``quotes.rules.v1``.
        document: The document's id (or its path when it has no id yet).
        error: The exception type's name.
        message: What went wrong.
    """

    stage: str
    document: str
    error: str
    message: str

    def __str__(self) -> str:
        return f"{self.stage}: {self.error}: {self.message}"

    @classmethod
    def from_exception(cls, stage: str, document: str, exc: BaseException) -> Problem:
        """The problem an exception raised by ``stage`` on ``document`` stands for."""
        return cls(stage, document, type(exc).__name__, str(exc))
