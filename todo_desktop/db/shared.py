"""Opening a shared PostgreSQL / Neon database from a connection profile, and its accounts.

Passwords and session tokens come from the keyring. Connecting checks the schema (older or
newer opens read-only) and whether the role bypasses row-level security (a loud warning).
Everything here blocks on the network or the keyring: the GUI calls it on workers.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.engine import make_url

from todo_desktop.db import migrate
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.database import Database
from todo_desktop.db.engine import create_db_engine
from todo_desktop.db.migrate import SchemaState, SchemaStatus
from todo_desktop.db.passwords import DEFAULT_COST, KdfCost
from todo_desktop.db.roles import rls_bypass_warning
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.db.urls import parse_database_url
from todo_desktop.errors import ConfigurationError, NotSignedInError, SchemaMismatchError, TodoError
from todo_desktop.profiles import Profile, Profiles, ProfileStore
from todo_desktop.secret_store import SecretStore
from todo_desktop.services import (
    ConnectionReport,
    Credentials,
    ReadOnlyTasks,
    SchemaInfo,
    TaskService,
    Workspace,
)
from todo_desktop.values import SignedIn

log = logging.getLogger(__name__)

READ_ONLY = "Until then, it opens read-only."
QUIT_SIGN_OUT_BUDGET = 2.0  # seconds: quitting must not hang on an unreachable database


@dataclass
class SharedConnection:
    profile: Profile
    db: Database
    accounts: AccountService
    schema: SchemaStatus
    rls_warning: str | None

    @property
    def read_only(self) -> bool:
        return self.schema.state is not SchemaState.CURRENT

    @property
    def schema_message(self) -> str:
        if self.schema.state in (SchemaState.OLDER, SchemaState.NEWER):
            return f"{self.schema.message} {READ_ONLY}"
        return self.schema.message

    def schema_error(self) -> SchemaMismatchError:
        return SchemaMismatchError(
            self.schema_message,
            database_revision=self.schema.database_revision,
            app_revision=self.schema.app_revision,
        )

    def close(self) -> None:
        self.db.dispose()


def connect_shared(
    profile: Profile,
    password: str | None,
    *,
    kdf_cost: KdfCost = DEFAULT_COST,
    retry_budget: float = 15.0,
    pool_size: int = 2,
) -> SharedConnection:
    """Connect (retrying while a suspended compute wakes), then check schema and role.

    The profile's own TLS mode and pooled flag apply, never the defaults of a pasted URL.
    """
    url = make_url(profile.connection_url()).set(password=password or None)
    url_text = url.render_as_string(hide_password=False)
    target = parse_database_url(url_text, pooled=profile.pooled, tls_mode=profile.tls_mode.value)
    db = Database(create_db_engine(target, pool_size=pool_size), target, retry_budget=retry_budget)
    try:
        status = db.run(None, migrate.schema_status)
        warning = None
        if status.state is not SchemaState.MISSING:
            # A failure here means the tables are not there for this role; nothing to warn about.
            with contextlib.suppress(TodoError):
                warning = db.run(None, rls_bypass_warning)
    except BaseException:
        db.dispose()
        raise
    return SharedConnection(profile, db, AccountService(db, kdf_cost=kdf_cost), status, warning)


@dataclass
class _Session:
    connection: SharedConnection
    signed_in: SignedIn
    kept: bool  # the token is in the keyring ("Stay signed in")


class SharedDatabases:
    """Implements ``services.ProfileGateway``; safe to call from several worker threads."""

    def __init__(
        self,
        store: ProfileStore,
        secrets: Callable[[], SecretStore],
        *,
        kdf_cost: KdfCost = DEFAULT_COST,
        retry_budget: float = 15.0,
        device: str | None = None,
    ) -> None:
        self._store = store
        self._profiles = store.load()
        # Made on first use, on a worker: finding the keyring may wait on D-Bus.
        self._make_secrets = secrets
        self._secrets: SecretStore | None = None
        self._kdf_cost = kdf_cost
        self._retry_budget = retry_budget
        self._device = device
        self._lock = threading.RLock()  # held while connecting, which may take seconds
        self._secrets_lock = threading.Lock()  # so keyring reads never wait for a connection
        self._connections: dict[str, SharedConnection] = {}
        self._sessions: dict[str, _Session] = {}

    @property
    def secrets(self) -> SecretStore:
        with self._secrets_lock:
            if self._secrets is None:
                self._secrets = self._make_secrets()
            return self._secrets

    # -- profiles ------------------------------------------------------------------------

    def profiles(self) -> Profiles:
        return self._profiles

    def profile(self, profile_id: str) -> Profile:
        return self._profiles.get(profile_id)

    def _commit(self, profiles: Profiles) -> Profiles:
        self._store.save(profiles)
        self._profiles = profiles
        return profiles

    def set_active(self, profile_id: str) -> Profiles:
        with self._lock:
            return self._commit(self._profiles.with_active(profile_id))

    def save_profile(self, profile: Profile, password: str | None) -> Profile:
        with self._lock:
            old = next((p for p in self._profiles.items if p.id == profile.id), None)
            self._commit(self._profiles.with_profile(profile))
            if password:
                self.secrets.set(profile.password_key, password)
            if password or old is None or _where(old) != _where(profile):
                self._drop_connection(profile.id)
            return profile

    def remove_profile(self, profile_id: str) -> Profiles:
        with self._lock:
            profile = self.profile(profile_id)
            profiles = self._commit(self._profiles.without(profile_id))
            # Forgotten locally only: removing must not wait on a database that may be gone.
            self._sessions.pop(profile_id, None)
            self._drop_connection(profile_id)
            self.secrets.delete(profile.password_key)
            self.secrets.delete(profile.session_key)
            return profiles

    def keyring_problem(self) -> str | None:
        return self.secrets.unusable_reason

    def needs_password(self, profile_id: str) -> bool:
        return self.secrets.get(self.profile(profile_id).password_key) is None

    def test_connection(self, profile: Profile, password: str | None) -> ConnectionReport:
        if password is None:
            password = self.secrets.get(profile.password_key)
        try:
            connection = connect_shared(profile, password, retry_budget=self._retry_budget, pool_size=1)
        except TodoError as exc:
            return ConnectionReport(ok=False, message=exc.message)
        try:
            info = SchemaInfo(state=connection.schema.state.value, message=connection.schema_message)
            return ConnectionReport.connected(connection.db.target.described, info, connection.rls_warning)
        finally:
            connection.close()

    # -- accounts ------------------------------------------------------------------------

    def resume(self, profile_id: str) -> Workspace | None:
        """The workspace of the session kept in the keyring, or None when sign-in is needed."""
        profile = self._shared(profile_id)
        token = self.secrets.get(profile.session_key)
        if not token:
            return None
        try:
            connection = self._connection(profile, None)
        except ConfigurationError:
            if self.needs_password(profile_id):
                return None  # the sign-in form asks for the database password
            raise
        try:
            account = connection.accounts.current_account(token)
        except NotSignedInError:
            self.secrets.delete(profile.session_key)  # expired or signed out elsewhere
            return None
        except TodoError as exc:
            if _schema_gap(connection, exc):
                raise connection.schema_error() from exc
            raise
        signed_in = SignedIn(account=account, token=token)
        with self._lock:
            self._sessions[profile.id] = _Session(connection, signed_in, kept=True)
        return self._workspace(connection, signed_in)

    def sign_in(self, profile_id: str, credentials: Credentials) -> Workspace:
        profile = self._shared(profile_id)
        connection = self._connection(profile, credentials.db_password)
        if connection.schema.state is SchemaState.MISSING:
            raise connection.schema_error()
        try:
            signed_in = connection.accounts.sign_in(
                credentials.email, credentials.password, device=self._device
            )
        except TodoError as exc:
            if _schema_gap(connection, exc):
                raise connection.schema_error() from exc
            raise
        return self._keep(profile, connection, signed_in, credentials.stay_signed_in)

    def register(self, profile_id: str, credentials: Credentials) -> Workspace:
        c = credentials
        profile = self._shared(profile_id)
        connection = self._connection(profile, c.db_password)
        if connection.read_only:
            raise connection.schema_error()  # registering is a write
        # Checks every field (all problems at once), then derives the key on this thread.
        connection.accounts.register(c.email, c.first_name, c.last_name, c.password)
        signed_in = connection.accounts.sign_in(c.email, c.password, device=self._device)
        return self._keep(profile, connection, signed_in, c.stay_signed_in)

    def sign_out(self, profile_id: str) -> str:
        """Forget the session on this computer at once, then revoke it in the database."""
        profile = self._shared(profile_id)
        with self._lock:
            session = self._sessions.pop(profile_id, None)
            stored = self.secrets.get(profile.session_key)
            self.secrets.delete(profile.session_key)
        tokens = {t for t in (stored, session.signed_in.token if session else None) if t}
        if not tokens:
            return "You were not signed in."
        try:
            connection = session.connection if session else self._connection(profile, None)
            for token in tokens:
                connection.accounts.sign_out(token)
        except TodoError as exc:
            log.info("Sign-out could not reach the database: %s", exc.message)
            return "Signed out here; the database was unreachable, so the session lasts until it expires."
        return "Signed out."

    def sign_out_everywhere(self, profile_id: str) -> int:
        """Revoke every session of the account; on failure nothing is forgotten, so retry works."""
        profile = self._shared(profile_id)
        session = self._sessions.get(profile_id)
        token = session.signed_in.token if session else self.secrets.get(profile.session_key)
        if not token:
            raise NotSignedInError("You are not signed in to this database.")
        connection = session.connection if session else self._connection(profile, None)
        try:
            count = connection.accounts.sign_out_everywhere(token)
        except NotSignedInError:
            self._forget(profile)
            raise
        self._forget(profile)
        return count

    def close(self) -> None:
        """At quit: end sessions the person did not ask to keep, then close every pool."""
        with self._lock:
            sessions, self._sessions = self._sessions, {}
            connections, self._connections = self._connections, {}
        for session in sessions.values():
            if not session.kept:
                session.connection.db.retry_budget = QUIT_SIGN_OUT_BUDGET
                with contextlib.suppress(TodoError):
                    session.connection.accounts.sign_out(session.signed_in.token)
        # Sessions may hold a connection already dropped from the cache (settings changed).
        pools = {id(c): c for c in [*connections.values(), *(s.connection for s in sessions.values())]}
        for connection in pools.values():
            connection.close()

    # -- helpers -------------------------------------------------------------------------

    def _shared(self, profile_id: str) -> Profile:
        profile = self.profile(profile_id)
        if profile.is_local:
            raise ConfigurationError("The local database signs in by itself.")
        return profile

    def _connection(self, profile: Profile, db_password: str | None) -> SharedConnection:
        with self._lock:
            if db_password:
                self._drop_connection(profile.id)
            connection = self._connections.get(profile.id)
            if connection is None:
                password = db_password or self.secrets.get(profile.password_key)
                connection = connect_shared(
                    profile, password, kdf_cost=self._kdf_cost, retry_budget=self._retry_budget
                )
                self._connections[profile.id] = connection
                if db_password:  # it worked, so it is worth keeping (memory only without a keyring)
                    self.secrets.set(profile.password_key, db_password)
            return connection

    def _drop_connection(self, profile_id: str) -> None:
        connection = self._connections.pop(profile_id, None)
        if connection is not None and not any(s.connection is connection for s in self._sessions.values()):
            connection.close()

    def _forget(self, profile: Profile) -> None:
        with self._lock:
            self._sessions.pop(profile.id, None)
            self.secrets.delete(profile.session_key)

    def _keep(
        self, profile: Profile, connection: SharedConnection, signed_in: SignedIn, stay: bool
    ) -> Workspace:
        with self._lock:
            stored = self.secrets.get(profile.session_key)
            if stay:
                self.secrets.set(profile.session_key, signed_in.token)
            else:
                self.secrets.delete(profile.session_key)
            previous = self._sessions.get(profile.id)
            self._sessions[profile.id] = _Session(connection, signed_in, kept=stay)
        # A replaced session is held by nobody any more; end it rather than let it linger.
        earlier = {stored, previous.signed_in.token if previous else None} - {None, signed_in.token}
        for token in earlier:
            with contextlib.suppress(TodoError):
                connection.accounts.sign_out(token)  # type: ignore[arg-type]
        return self._workspace(connection, signed_in)

    def _workspace(self, connection: SharedConnection, signed_in: SignedIn) -> Workspace:
        tasks: TaskService = TaskRepository(connection.db, signed_in.token)
        if connection.read_only:
            tasks = ReadOnlyTasks(tasks, connection.schema_error)
        notes = [connection.rls_warning, connection.schema_message if connection.read_only else None]
        return Workspace(
            tasks=tasks,
            account=signed_in.account,
            where=connection.db.target.display_host,
            warning=" ".join(n for n in notes if n) or None,
            read_only=connection.read_only,
            profile_id=connection.profile.id,
        )


def _schema_gap(connection: SharedConnection, exc: TodoError) -> bool:
    """On a schema that is not ours, a missing table, function or schema means exactly that."""
    return connection.read_only and type(exc) in (TodoError, SchemaMismatchError)


def _where(profile: Profile) -> Profile:
    """The fields that decide which server and role a profile connects to."""
    return replace(profile, name="")
