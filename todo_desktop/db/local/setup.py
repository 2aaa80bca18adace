"""Setting up the local workspace on a started server: schema, client role, account.

On an everyday start this opens two connections before the first page: one as the
superuser, which checks the schema and the role with plain queries (no Alembic, no
SQLAlchemy engine of its own), and the app's own engine, which signs in. Migrations and
role creation take connections of their own, only when there is something to do.
"""

from __future__ import annotations

import base64
import contextlib
import getpass
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import psycopg
from sqlalchemy import Engine, event

from todo_desktop.core.errors import AuthenticationError, DatabaseUnavailableError, SchemaMismatchError
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import SignedIn
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.engine import create_db_engine, single_connection
from todo_desktop.db.connect.retry import Verdict, classify
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.local.cluster import drop_upgrade_copy
from todo_desktop.db.local.embedded import CLOSED, EmbeddedServer, Listening
from todo_desktop.db.local.loopback import set_password_sql, verifier_matches
from todo_desktop.db.local.restore import open_to_clients
from todo_desktop.db.local.start import LocalStart
from todo_desktop.db.local.workspace import (
    KEY_SECRET,
    LOCAL_DATABASE,
    LOCAL_EMAIL,
    LOCAL_ROLE,
    LocalWorkspace,
)
from todo_desktop.db.passwords import KdfCost, KdfParams, random_password
from todo_desktop.db.roles import ensure_client_role
from todo_desktop.db.schema import migrate
from todo_desktop.db.schema.migrate import SchemaState
from todo_desktop.machine.secret_store import SecretStore

log = logging.getLogger(__name__)


def _first_name() -> str:
    try:
        name = getpass.getuser().strip()
    except Exception:  # no login name in some sandboxes
        name = ""
    return (name[:100] or "Me").capitalize()


def revive_on_wait(server: EmbeddedServer) -> Callable[[BaseException, float], None]:
    """A ``Database.on_wait`` that restarts ``server`` if a lost connection means it died.

    A failed restart raises DatabaseUnavailableError out of the wait, so the operation
    fails at once (an outbox keeps the edit) instead of waiting out its retry budget. So
    does a server stopped on purpose: a read still running as the app quits would
    otherwise keep the process from exiting for that whole budget (about 15 s).
    """

    def on_wait(exc: BaseException, delay: float) -> None:
        if server.closed:
            raise DatabaseUnavailableError(CLOSED)
        if classify(exc) is Verdict.RECONNECT:  # a lost race says nothing about the server
            server.revive()

    return on_wait


def follow_the_server(engine: Engine, server: EmbeddedServer) -> None:
    """Every new connection of ``engine`` goes where the server is at that moment: a LOOPBACK
    server started again (by this process or another) listens on a new port.

    A dead server is started again (or the one another process started is joined) first,
    instead of after a failed attempt: on loopback the old port is anyone's to take, and what
    answers there is no lost connection to retry, but a stranger (who gets no password: see
    ``loopback.REQUIRE_AUTH``) or another program. A failed restart raises at once.
    """

    def where(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        if server.closed:
            return  # gone on purpose: the old address fails, and revive_on_wait says why
        server.revive()  # while it runs: one look at the postmaster's process
        with contextlib.suppress(DatabaseUnavailableError):  # closed meanwhile
            cparams.update(server.connect_params())

    event.listen(engine, "do_connect", where)


def _superuser(server: EmbeddedServer) -> psycopg.Connection:
    dsn = server.superuser_dsn(LOCAL_DATABASE)
    try:
        su = psycopg.connect(dsn, autocommit=True)
    except psycopg.OperationalError:
        # Most likely the first launch, before the database exists, or a restore cut short
        # in its swap. Anything else (the server gone, say) fails again below, with its own
        # message.
        server.ensure_database(LOCAL_DATABASE)
        open_to_clients(server)
        return psycopg.connect(dsn, autocommit=True)
    # The superuser needs no CONNECT, but the app's role does.
    row = su.execute("SELECT has_database_privilege('public', current_database(), 'CONNECT')").fetchone()
    if row is not None and not row[0]:
        open_to_clients(server)
    return su


def _schema_is_current(su: psycopg.Connection) -> bool:
    """The everyday answer, without Alembic (``migrate.APP_HEAD`` is a constant)."""
    row = su.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return False
    version = su.execute("SELECT version_num FROM alembic_version").fetchone()
    return version is not None and version[0] == migrate.APP_HEAD


def _role_exists(su: psycopg.Connection) -> bool:
    return su.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (LOCAL_ROLE,)).fetchone() is not None


def _let_the_role_in(su: psycopg.Connection, server: EmbeddedServer) -> None:
    """Over loopback the app's role signs in with the server's password, as the superuser
    does; it is set on a connection the superuser made with that password."""
    if server.listening is not Listening.LOOPBACK:
        return
    row = su.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (LOCAL_ROLE,)).fetchone()
    if row is None or not verifier_matches(row[0], server.password):
        su.execute(set_password_sql(LOCAL_ROLE, server.password))


def _upgrade_schema(server: EmbeddedServer) -> None:
    url = server.url("postgres", LOCAL_DATABASE)
    with single_connection(parse_database_url(url, private=True)) as conn:
        status = migrate.schema_status(conn)
    if status.state is SchemaState.NEWER:
        raise SchemaMismatchError(
            status.message, database_revision=status.database_revision, app_revision=status.app_revision
        )
    if status.state is not SchemaState.CURRENT:
        migrate.upgrade(url)


def set_up(
    start: LocalStart, secrets: SecretStore, *, kdf_cost: KdfCost, reachability: Reachability | None
) -> LocalWorkspace:
    """``open_local``'s work once its imports are done."""
    # One process at a time through setup (``start`` holds the lock from before the server
    # started): two first launches must not both create the account, and a second process
    # must find a fully migrated database.
    with start.setup() as server, _superuser(server) as su:
        if not _schema_is_current(su):
            _upgrade_schema(server)  # Alembic decides: missing, older, or newer than the app
        if server.upgraded:  # the upgraded server started and its schema passed: the copy goes
            drop_upgrade_copy(server.pgdata)
        if not _role_exists(su):
            owner = parse_database_url(server.url("postgres", LOCAL_DATABASE), private=True)
            with single_connection(owner, transaction=True) as sa_conn:
                ensure_client_role(sa_conn, LOCAL_ROLE)
        _let_the_role_in(su, server)
        target = parse_database_url(server.url(LOCAL_ROLE, LOCAL_DATABASE), private=True)
        # Added at each connection (follow_the_server) instead: the password of a LOOPBACK
        # server may change (a new one once the secret store lost it), and kept nowhere else.
        target = replace(target, url=target.url.set(password=None))
        engine = create_db_engine(target)
        db = Database(engine, target, on_wait=revive_on_wait(server), reachability=reachability)
        # After Database's own hook, whose timer tells the window it waits during a restart.
        follow_the_server(engine, server)
        accounts = AccountService(db, kdf_cost=kdf_cost)
        signed_in = sign_in_local(accounts, su, secrets, kdf_cost)
    return LocalWorkspace(server, db, accounts, signed_in)


def sign_in_local(
    accounts: AccountService, su: psycopg.Connection, secrets: SecretStore, cost: KdfCost
) -> SignedIn:
    """The local account signed in with the key the secret store keeps: at start, and after a
    restore put another copy of the database in place."""
    stored = secrets.get(KEY_SECRET)
    if stored:
        try:
            return accounts.sign_in_with_key(LOCAL_EMAIL, base64.b64decode(stored), remember_device=False)
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
            "DELETE FROM todo_auth.login_attempts WHERE email_hash = todo_auth.email_hash(%s)", (LOCAL_EMAIL,)
        )
    else:
        accounts.register_with_key(LOCAL_EMAIL, _first_name(), "", params.to_phc(), key)
    secrets.set(KEY_SECRET, base64.b64encode(key).decode())
    return accounts.sign_in_with_key(LOCAL_EMAIL, key, remember_device=False)
