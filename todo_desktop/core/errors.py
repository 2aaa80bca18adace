"""Errors that cross the line between the data layer and the GUI.

Each carries one sentence meant for a person; none carries a traceback or SQL.
"""

from __future__ import annotations

from todo_desktop.core.values import Task


class TodoError(Exception):
    """Base of every error the app shows to a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(TodoError):
    """One input is wrong; ``field`` names it so the GUI can show the sentence beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InputErrors(TodoError):
    """Several inputs are wrong at once; one sentence per field."""

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__(" ".join(e.message for e in errors))
        self.errors = errors

    @property
    def by_field(self) -> dict[str, str]:
        return {e.field: e.message for e in self.errors}


class AuthenticationError(TodoError):
    """Sign-in failed; the message never says whether the email exists."""


class NotSignedInError(TodoError):
    """The session is missing, expired or revoked."""


class NotFoundError(TodoError):
    """The row is gone, or belongs to someone else (the two look the same on purpose)."""


class ConflictError(TodoError):
    """The change collides with data already in the database (a duplicate email, say)."""


class StaleEditError(TodoError):
    """An edit was based on a version of the task that another device has since changed.

    Nothing was written; ``current`` is the task as it is stored now, so the person can
    choose which version to keep (keeping theirs means sending the edit again based on
    ``current.updated_at``).
    """

    MESSAGE = "This task was changed on another device; choose which version to keep."

    def __init__(self, current: Task, message: str = MESSAGE) -> None:
        super().__init__(message)
        self.current = current


class ChangesLostError(TodoError):
    """A read of changes began at a point the database is no longer past: it went back to an
    earlier one (restored from a backup, a branch reset). What changed since cannot be told
    from what did not, so the list is read afresh."""


class LimitError(TodoError):
    """The database keeps a limit (tasks or text per account, sign-ups per hour) this would pass."""


class DatabaseUnavailableError(TodoError):
    """The database cannot be reached right now; the operation may be retried later."""


class SchemaMismatchError(TodoError):
    """The database schema is older or newer than this app; it will not write."""

    def __init__(self, message: str, *, database_revision: str | None, app_revision: str) -> None:
        super().__init__(message)
        self.database_revision = database_revision
        self.app_revision = app_revision


class InsecureConnectionError(TodoError):
    """The connection settings would send credentials without verified encryption."""


class ConfigurationError(TodoError):
    """A setting or URL cannot be used as given."""


class DatabaseLoginError(ConfigurationError):
    """The database server refused the connection's own settings (not the person's account).

    ``field`` names the connection setting it refused: ``db_password``, ``db_user`` or
    ``db_name``, so a window can put the cursor there rather than in the account password.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
