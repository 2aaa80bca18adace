"""Database errors become the same one-sentence messages the input rules give.

The constraint names come from the migrations; a rename there must be mirrored here,
and the fuzz tests would notice a gap (an unmapped error surfaces as the generic one).
"""

from __future__ import annotations

import logging
import re

import psycopg
from psycopg import errors as pg
from sqlalchemy import exc as sa_exc

from todo_desktop.core.errors import (
    ChangesLostError,
    ConfigurationError,
    ConflictError,
    DatabaseLoginError,
    DatabaseUnavailableError,
    InsecureConnectionError,
    LimitError,
    NotSignedInError,
    SchemaMismatchError,
    TodoError,
    ValidationError,
)
from todo_desktop.core.validation import DESCRIPTION_MAX, TITLE_MAX
from todo_desktop.db.connect.retry import (
    Verdict,
    classify,
    nothing_listening,
    refused_login,
    tls_failure,
    unknown_host,
)

log = logging.getLogger(__name__)

_CONSTRAINTS: dict[str, tuple[str, str]] = {
    "tasks_title_not_blank": ("title", "Title cannot be empty."),
    "tasks_description_length": (
        "description",
        f"Description is too long; the limit is {DESCRIPTION_MAX:,} characters.",
    ),
    "tasks_due_date_range": ("due_date", "Due date must be between the years 1900 and 9998."),
    "tasks_priority_check": ("priority", "Priority must be one of low, medium, high, urgent."),
    "users_email_shape": ("email", "Email must look like name@example.com."),
    "users_first_name_not_blank": ("first_name", "First name cannot be empty."),
    "users_email_key": ("email", "An account with this email already exists."),
    "users_email_lower_key": ("email", "An account with this email already exists."),
}


SESSION_ENDED = "Your session has ended; please sign in again."
# What todo_api functions raise (42501) when the transaction names no live session.
_NO_SESSION = "no signed-in session"

# Limits the database keeps per account and per database (revision 0004).
_LIMITS: dict[str, str] = {
    "TDQ01": "This account holds as many tasks as this database allows; delete some to add more.",
    "TDQ02": "This account stores as much text as this database allows; shorten or delete some tasks.",
    "TDQ03": "Too many accounts were made on this database in the last hour; try again later.",
    "TDQ04": "Select at most 10,000 tasks at once.",
    "TDQ07": (
        "Too many sign-ins were tried from this database role in the last minute; try again in a minute."
    ),
}


def _constraint(err: psycopg.Error) -> str | None:
    return err.diag.constraint_name if err.diag is not None else None


def _quoted(text: str, before: str) -> str | None:
    found = re.search(before + r""" ["']([^"']+)["']""", text)
    return found[1] if found else None


def unreachable(err: BaseException, where: str) -> str:
    """Why ``where`` cannot be reached, in words, when the driver says why."""
    text = str(err)
    if nothing_listening(err):
        return f"Nothing is listening at {where.removeprefix('the database at ')}; check the host and port."
    if unknown_host(err):
        host = _quoted(text, "host name") or _quoted(text, "resolve host") or "the host"
        return f"The name {host} does not resolve; check the host name, or the network."
    if "timeout expired" in text.lower():
        return (
            f"{where[0].upper()}{where[1:]} did not answer in time; check the host and port, or the network."
        )
    return f"Cannot reach {where} right now; try again in a moment."


def refused_settings(err: BaseException, where: str) -> ConfigurationError:
    """Which of the connection's own settings the server refused (not the person's account)."""
    text = str(err)
    subject = f"{where[0].upper()}{where[1:]}"
    if "password authentication failed" in text:
        user = _quoted(text, "for user") or "this user"
        return DatabaseLoginError("db_password", f"{subject} refused the database password for user {user}.")
    if (role := _quoted(text, "role")) and "does not exist" in text:
        return DatabaseLoginError("db_user", f"{subject} has no user named {role}; check the connection.")
    if (name := _quoted(text, "database")) and "does not exist" in text:
        return DatabaseLoginError("db_name", f"{subject} has no database named {name}; check the connection.")
    return ConfigurationError(
        f"{subject} refused the connection settings: check the user name, password and database name."
    )


def map_error(exc: BaseException, *, where: str = "the database") -> TodoError:
    """The TodoError a person should see for ``exc``; unknown errors are logged in full."""
    if isinstance(exc, TodoError):
        return exc
    if isinstance(exc, UnicodeEncodeError):
        return ValidationError("input", "The text contains a character that cannot be stored.")
    err = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    # The server closes the connection after these, which alone would read as an outage.
    if isinstance(err, (pg.IdleInTransactionSessionTimeout, pg.TransactionTimeout)):
        return TodoError(
            "The database ended a transaction that stayed open too long; try again, and ask the "
            "database's admin about its role's time limits if it keeps happening."
        )
    if classify(exc) is Verdict.RECONNECT:
        return DatabaseUnavailableError(unreachable(err or exc, where))
    if isinstance(err, psycopg.OperationalError) and err.sqlstate is None:
        if tls_failure(err):
            if "does not match host name" in str(err):
                return InsecureConnectionError(
                    f"The certificate of {where} is for another host; refusing to send the password."
                )
            return InsecureConnectionError(
                f"Could not verify a secure connection to {where}; refusing to send the password."
            )
        if refused_login(err):
            return refused_settings(err, where)
    if isinstance(err, psycopg.Error) and err.sqlstate == "TDQ08":
        return ChangesLostError("The database went back to an earlier point; the list is read again.")
    if isinstance(err, psycopg.Error) and err.sqlstate in _LIMITS:
        return LimitError(_LIMITS[err.sqlstate])
    if isinstance(err, (pg.SerializationFailure, pg.DeadlockDetected)):
        return TodoError("The database was busy with a conflicting change; try again.")
    if isinstance(err, psycopg.DataError) and "NUL" in str(err):
        return ValidationError("input", "Text cannot contain a NUL character.")
    if isinstance(err, (pg.UniqueViolation, pg.CheckViolation, pg.NotNullViolation)):
        name = _constraint(err)
        if name in _CONSTRAINTS:
            field, message = _CONSTRAINTS[name]
            cls = ConflictError if isinstance(err, pg.UniqueViolation) else None
            return cls(message) if cls else ValidationError(field, message)
        if isinstance(err, pg.UniqueViolation):
            return ConflictError("That already exists.")
    if isinstance(err, pg.StringDataRightTruncation):
        return ValidationError("input", f"A value is too long; titles hold {TITLE_MAX} characters.")
    if isinstance(err, pg.ProgramLimitExceeded):
        return ValidationError("input", "A value is too long for the database to index.")
    if isinstance(err, (pg.CharacterNotInRepertoire, pg.UntranslatableCharacter)):
        return ValidationError("input", "The text contains a character that cannot be stored.")
    if isinstance(err, pg.InvalidParameterValue):
        return ValidationError("password", "The password settings are too weak or malformed.")
    if isinstance(err, pg.InsufficientPrivilege):
        if err.diag.message_primary and err.diag.message_primary.startswith(_NO_SESSION):
            return NotSignedInError(SESSION_ENDED)
        if "row-level security" in str(err):
            return NotSignedInError("You are signed out or not allowed to change that; sign in again.")
        return TodoError("The database does not allow this account to do that.")
    if isinstance(err, (pg.UndefinedTable, pg.UndefinedColumn, pg.UndefinedFunction, pg.InvalidSchemaName)):
        return SchemaMismatchError(
            "This database's schema does not match this app; ask its admin to upgrade it.",
            database_revision=None,
            app_revision="?",
        )
    if isinstance(err, pg.QueryCanceled):
        # Also what a statement_timeout set too low on the role looks like, every time.
        return TodoError(
            "The database stopped a statement that took too long; try again, and ask the "
            "database's admin about its role's time limits if it keeps happening."
        )
    if isinstance(err, pg.LockNotAvailable):
        return TodoError(
            "Another change was holding the data this needs for too long; try again in a moment."
        )
    if isinstance(err, pg.ReadOnlySqlTransaction):
        return TodoError(
            "This database connection is read-only: its role's settings were changed; "
            "ask the database's admin."
        )
    log.error("Unexpected database error", exc_info=exc)
    return TodoError("Something went wrong talking to the database; the details are in the log.")
