"""What a failed job becomes for the window: one sentence, and what kind of trouble it is."""

from __future__ import annotations

from todo_desktop.core.errors import DatabaseUnavailableError, NotSignedInError, TodoError, ValidationError
from todo_desktop.core.failures import UNEXPECTED, Failure, failure_from

ENDED = "Your session has ended; please sign in again."


def test_an_ended_session_is_marked_signed_out_and_nothing_else():
    failure = failure_from(NotSignedInError(ENDED), "read")
    assert failure == ENDED
    assert failure.signed_out and not failure.unavailable and failure.field is None


def test_other_failures_are_not_signed_out():
    cases = [
        DatabaseUnavailableError("The database cannot be reached."),
        ValidationError("title", "A title is needed."),
        TodoError("The database does not allow this account to do that."),
        RuntimeError("a bug"),
    ]
    failures = [failure_from(exc, "write") for exc in cases]
    assert [f.signed_out for f in failures] == [False] * len(cases)
    assert failures[0].unavailable and failures[1].field == "title" and failures[3] == UNEXPECTED


def test_a_failure_made_by_hand_is_not_signed_out_unless_said():
    assert not Failure("Gone.").signed_out
    assert Failure(ENDED, signed_out=True).signed_out
