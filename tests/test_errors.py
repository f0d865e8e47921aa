"""The exception tree: every error the library or the web app raises carries its HTTP status."""

from __future__ import annotations

import pickle

import pytest

import corroborator
from corroborator import errors
from corroborator.web.deps import LoginRequired


@pytest.mark.parametrize(("cls", "status"), [
    (errors.InputError, 400), (errors.ExportError, 400), (errors.ReviewError, 400),
    (errors.AccountError, 400), (errors.LoginError, 401), (LoginRequired, 401),
    (errors.ReviewConflictError, 409), (errors.CaseFileError, 503), (errors.CaseFileBusyError, 503),
    (errors.RedactionError, 500), (errors.ModelNotInstalledError, 500),
])
def test_every_error_is_in_the_tree_with_its_status(cls: type, status: int) -> None:
    assert issubclass(cls, corroborator.CorroboratorError)
    assert cls.status == status


def test_web_error_takes_its_status_and_only_reader_values_are_flagged() -> None:
    assert errors.WebError(404, "no such document").status == 404
    assert errors.ReviewError.echoes_input and errors.AccountError.echoes_input
    assert not errors.CaseFileError.echoes_input and not errors.WebError.echoes_input


def test_problem_is_structured_keeps_the_old_text_form_and_pickles() -> None:
    problem = errors.Problem.from_exception("quotes.rules.v1", "a" * 64, ValueError("bad span"))
    assert (problem.stage, problem.error, problem.message) == ("quotes.rules.v1", "ValueError", "bad span")
    assert str(problem) == "quotes.rules.v1: ValueError: bad span"
    assert pickle.loads(pickle.dumps(problem)) == problem
