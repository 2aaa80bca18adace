"""The embedded default: a private server, its schema kept current, and an automatic
local account, so a first launch lands in an empty task list with no forms.

The account's derived key lives in the OS keyring (or a 0600 file beside the database);
keeping the key rather than a password means no argon2 wait at each start.

When an operation has to wait for a connection, the server is checked: one killed while the
app runs is started again at once (``EmbeddedServer.revive``), and the operation goes on.
"""

from __future__ import annotations

import base64
import getpass
import logging
from collections.abc import Callable
from dataclasses import dataclass

import fasteners
import psycopg

from todo_desktop.db import migrate
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.database import Database
from todo_desktop.db.embedded import EmbeddedServer
from todo_desktop.db.engine import create_db_engine, single_connection
from todo_desktop.db.migrate import SchemaState
from todo_desktop.db.passwords import DEFAULT_COST, KdfCost, KdfParams, random_password
from todo_desktop.db.retry import Verdict, classify
from todo_desktop.db.roles import ensure_client_role
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.db.urls import parse_database_url
from todo_desktop.errors import AuthenticationError, SchemaMismatchError
from todo_desktop.paths import AppPaths
from todo_desktop.reachability import Reachability
from todo_desktop.secret_store import SecretStore
from todo_desktop.values import SignedIn

log = logging.getLogger(__name__)

LOCAL_DATABASE = "todo"
LOCAL_ROLE = "todo_local"
LOCAL_EMAIL = "me@local.invalid"
KEY_SECRET = "local-account:key"  # noqa: S105 - a key name, not a secret


@dataclass
class LocalWorkspace:
    server: EmbeddedServer
    db: Database
    accounts: AccountService
    signed_in: SignedIn

    @property
    def tasks(self) -> TaskRepository:
        return TaskRepository(self.db, self.signed_in.token)

    def close(self) -> None:
        self.db.dispose()
        self.server.stop()


def _first_name() -> str:
    try:
        name = getpass.getuser().strip()
    except Exception:  # no login name in some sandboxes
        name = ""
    return (name[:100] or "Me").capitalize()


def revive_on_wait(server: EmbeddedServer) -> Callable[[BaseException, float], None]:
    """A ``Database.on_wait`` that restarts ``server`` if a lost connection means it died.

    A failed restart raises DatabaseUnavailableError out of the wait, so the operation
    fails at once (an outbox keeps the edit) instead of waiting out its retry budget.
    """

    def on_wait(exc: BaseException, delay: float) -> None:
        if classify(exc) is Verdict.RECONNECT:  # a lost race says nothing about the server
            server.revive()

    return on_wait


def _upgrade_schema(server: EmbeddedServer) -> None:
    url = server.url("postgres", LOCAL_DATABASE)
    with single_connection(parse_database_url(url)) as conn:
        status = migrate.schema_status(conn)
    if status.state is SchemaState.NEWER:
        raise SchemaMismatchError(
            status.message, database_revision=status.database_revision, app_revision=status.app_revision
        )
    if status.state is not SchemaState.CURRENT:
        migrate.upgrade(url)


def open_local(
    paths: AppPaths,
    secrets: SecretStore,
    *,
    kdf_cost: KdfCost = DEFAULT_COST,
    keep_server_running: bool = False,
    reachability: Reachability | None = None,
) -> LocalWorkspace:
    """Start (or join) the embedded server and sign in to the local account.

    ``reachability`` hears when an operation waits for the server (a restart, say)."""
    paths.ensure()
    # One process at a time through setup: two first launches must not both create the
    # account, and a second process must find a fully migrated database.
    with fasteners.InterProcessLock(str(paths.data / ".setup.lock")):
        server = EmbeddedServer(paths.data, keep_running=keep_server_running)
        server.start()
        server.ensure_database(LOCAL_DATABASE)
        _upgrade_schema(server)
        owner = parse_database_url(server.url("postgres", LOCAL_DATABASE))
        with single_connection(owner, transaction=True) as sa_conn:
            ensure_client_role(sa_conn, LOCAL_ROLE)
        with psycopg.connect(server.superuser_dsn(LOCAL_DATABASE), autocommit=True) as conn:
            target = parse_database_url(server.url(LOCAL_ROLE, LOCAL_DATABASE))
            db = Database(
                create_db_engine(target),
                target,
                on_wait=revive_on_wait(server),
                reachability=reachability,
            )
            accounts = AccountService(db, kdf_cost=kdf_cost)
            signed_in = _sign_in(accounts, conn, secrets, kdf_cost)
    return LocalWorkspace(server, db, accounts, signed_in)


def _sign_in(
    accounts: AccountService, su: psycopg.Connection, secrets: SecretStore, cost: KdfCost
) -> SignedIn:
    stored = secrets.get(KEY_SECRET)
    if stored:
        try:
            return accounts.sign_in_with_key(LOCAL_EMAIL, base64.b64decode(stored))
        except (AuthenticationError, ValueError):
            log.warning("The stored local key no longer signs in; issuing a new one")
    exists = su.execute("SELECT 1 FROM users WHERE lower(email) = %s", (LOCAL_EMAIL,)).fetchone()
    params = KdfParams.new(cost)
    key = params.derive(random_password())
    if exists:
        # The keyring lost the key (a new keyring, a wiped file). Only the owner of this
        # machine can reach the embedded server, so re-keying the account is safe.
        su.execute(
            "UPDATE users SET password_hash = todo_auth.verifier(%s, %s) WHERE lower(email) = %s",
            (params.to_phc(), key, LOCAL_EMAIL),
        )
        su.execute(
            "DELETE FROM todo_auth.login_throttle WHERE email_hash = todo_auth.email_hash(%s)", (LOCAL_EMAIL,)
        )
    else:
        accounts.register_with_key(LOCAL_EMAIL, _first_name(), "", params.to_phc(), key)
    secrets.set(KEY_SECRET, base64.b64encode(key).decode())
    return accounts.sign_in_with_key(LOCAL_EMAIL, key)
