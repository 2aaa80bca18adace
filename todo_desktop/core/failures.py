"""What a person is told when an operation fails: one sentence, and where it belongs."""

from __future__ import annotations

import logging

from todo_desktop.core.errors import DatabaseUnavailableError, NotSignedInError, TodoError

_log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong; the details were written to the log."


class Failure(str):
    """One sentence for a person, plus where it belongs.

    A str, so callers that only show the sentence need not know more; ``field`` names the
    input a validation error is about (to show it beside that field), ``unavailable``
    says the database could not be reached (the window then shows its banner and retries),
    and ``signed_out`` that the session is missing, expired or revoked (the window then
    asks to sign in again rather than repeating the sentence on every read).
    """

    field: str | None
    unavailable: bool
    signed_out: bool

    def __new__(
        cls, message: str, *, field: str | None = None, unavailable: bool = False, signed_out: bool = False
    ) -> Failure:
        made = super().__new__(cls, message)
        made.field = field
        made.unavailable = unavailable
        made.signed_out = signed_out
        return made


def failure_from(exc: BaseException, label: str) -> Failure:
    """The Failure a person should see for ``exc``; anything unexpected is logged in full."""
    if isinstance(exc, TodoError):
        return Failure(
            exc.message,
            field=getattr(exc, "field", None),
            unavailable=isinstance(exc, DatabaseUnavailableError),
            signed_out=isinstance(exc, NotSignedInError),
        )
    _log.error("Background job %r failed", label, exc_info=exc)
    return Failure(UNEXPECTED)
