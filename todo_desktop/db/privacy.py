"""A person's rights over their data: all of it to take away, or all of it gone.

Implements ``core.app_services.PrivacyService``. A shared profile exports and deletes through
the session its window shows (the gateway's); the Local profile exports through the embedded
workspace, and instead of deleting an account erases this computer's data (``local.erase``).

Built by the composition root at start-up, so this module imports only what is light: the SQL
stack comes in with the first call, on a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from todo_desktop.core.errors import AuthenticationError, ConfigurationError, NotSignedInError, TodoError
from todo_desktop.core.profiles import LOCAL_ID

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Connection, Row

    from todo_desktop.core.values import SignedIn
    from todo_desktop.db.accounts import AccountService
    from todo_desktop.db.database import Database
    from todo_desktop.db.local.workspace import LocalWorkspace
    from todo_desktop.db.shared.connection import SharedConnection
    from todo_desktop.machine.secret_store import SecretStore

EXPORT_FORMAT = "todo-desktop-export"
EXPORT_VERSION = 1
PAGE_SIZE = 2000  # tasks per transaction: short ones, each a range of one index
NOT_OPEN = "The local database is not open."
NO_LOCAL_ACCOUNT = "This computer's database has no account to delete; erase this computer's data instead."
WRONG_PASSWORD = "The password is wrong; the account was not deleted."  # noqa: S105 - a sentence


class SignedInSessions(Protocol):
    """What the shared gateway (``db.shared.gateway.SharedDatabases``) offers for this."""

    def signed_in(self, profile_id: str) -> tuple[SharedConnection, SignedIn]: ...
    def forget_account(self, profile_id: str, email: str) -> None: ...


def export_data(db: Database, token: str, *, database: str, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """Everything the database keeps about the signed-in person, ready for ``json.dumps``.

    The tasks come a page at a time, each page its own transaction: 100,000 of them never
    make one long statement that a statement timeout would end, or one result held twice.
    """
    from sqlalchemy import text

    about = db.run(token, lambda c: c.execute(text("SELECT todo_api.my_data()")).scalar_one())
    page = text("SELECT id, completed, created_at, task FROM todo_api.my_tasks(:c, :t, :i, :n)")
    tasks: list[Any] = []
    after: dict[str, Any] = {"c": None, "t": None, "i": None, "n": page_size}
    while True:
        rows = db.run(token, partial(_page, page, after))
        tasks.extend(row.task for row in rows)
        if len(rows) < page_size:
            break
        last = rows[-1]
        after = {"c": last.completed, "t": last.created_at, "i": last.id, "n": page_size}
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "database": database,
        **about,
        "tasks": tasks,
    }


def _page(statement: Any, args: dict[str, Any], conn: Connection) -> Sequence[Row[Any]]:
    return conn.execute(statement, args).all()


def _session_lives(accounts: AccountService, signed_in: SignedIn) -> bool:
    try:
        accounts.current_account(signed_in.token)
    except NotSignedInError:
        return False
    return True


class Privacy:
    """``PrivacyService`` for the app: the shared gateway, the open local workspace, and how
    to stop it."""

    def __init__(
        self,
        shared: SignedInSessions | None,
        local: Callable[[], LocalWorkspace | None],
        *,
        close_local: Callable[[], None] | None = None,
        data_folder: Path | None = None,
        local_secrets: Callable[[], SecretStore] | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        """``local`` gives the Local workspace if it is open; ``close_local`` stops its server
        and forgets it, so the next open starts afresh; ``data_folder`` and ``local_secrets``
        are where its files and secrets live (all three are needed to erase)."""
        self._shared = shared
        self._local = local
        self._close_local = close_local
        self._data_folder = data_folder
        self._local_secrets = local_secrets
        self._page_size = page_size

    def export_my_data(self, profile_id: str) -> dict[str, object]:
        if profile_id == LOCAL_ID:
            workspace = self._local()
            if workspace is None:
                raise TodoError(NOT_OPEN)
            return export_data(
                workspace.db, workspace.signed_in.token, database="this computer", page_size=self._page_size
            )
        connection, signed_in = self._session(profile_id)
        try:
            return export_data(
                connection.db,
                signed_in.token,
                database=connection.db.target.display_host,
                page_size=self._page_size,
            )
        except TodoError as exc:
            from todo_desktop.db.shared.connection import schema_gap

            if schema_gap(connection, exc):  # a schema older than the export
                raise connection.schema_error() from exc
            raise

    def delete_account(self, profile_id: str, password: str) -> None:
        if profile_id == LOCAL_ID:
            raise ConfigurationError(NO_LOCAL_ACCOUNT)
        if not password or "\x00" in password:
            raise AuthenticationError(WRONG_PASSWORD)
        connection, signed_in = self._session(profile_id)
        if connection.read_only:
            raise connection.schema_error()
        accounts, email = connection.accounts, signed_in.account.email
        salt = accounts.login_params(email).to_phc()
        try:
            accounts.delete_account(signed_in.token, password)
        except (AuthenticationError, NotSignedInError):
            # A COMMIT lost on the way back is retried, and the retry finds no session or
            # account to prove a password for. Gone it is if the email's salt is no longer the account's (an
            # unknown email gets a stand-in) and the session ended with it.
            if accounts.login_params(email).to_phc() == salt or _session_lives(accounts, signed_in):
                raise
        assert self._shared is not None  # _session found a session there
        self._shared.forget_account(profile_id, signed_in.account.email)

    def erase_local_data(self) -> None:
        if self._close_local is None or self._data_folder is None or self._local_secrets is None:
            raise ConfigurationError("This computer's data cannot be erased from here.")
        from todo_desktop.db.local.erase import erase_local_data

        self._close_local()  # the server stops before its files go
        erase_local_data(self._data_folder, self._local_secrets())

    def _session(self, profile_id: str) -> tuple[SharedConnection, SignedIn]:
        if self._shared is None:
            raise ConfigurationError("No shared database is set up.")
        return self._shared.signed_in(profile_id)
