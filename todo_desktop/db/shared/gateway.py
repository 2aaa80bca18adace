"""The shared PostgreSQL / Neon databases of the connection profiles, and their accounts.

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
from pathlib import Path

from todo_desktop.core.errors import ConfigurationError, NotSignedInError, TodoError
from todo_desktop.core.ports import (
    ConnectionReport,
    Credentials,
    ReadOnlyTasks,
    SchemaInfo,
    TaskService,
    Workspace,
)
from todo_desktop.core.profiles import Profile, Profiles
from todo_desktop.core.reachability import Reachability
from todo_desktop.core.values import SignedIn
from todo_desktop.db.connect.pooler_probe import shares_server_connections
from todo_desktop.db.passwords import DEFAULT_COST, KdfCost
from todo_desktop.db.reminders import ReminderRepository
from todo_desktop.db.schema.migrate import SchemaState
from todo_desktop.db.shared.connection import SharedConnection, connect_shared, schema_gap
from todo_desktop.db.tasks import TaskRepository
from todo_desktop.machine.profile_store import ProfileStore
from todo_desktop.machine.secret_store import SecretStore
from todo_desktop.sync.outbox import DurableTasks, outbox_for

log = logging.getLogger(__name__)

QUIT_SIGN_OUT_BUDGET = 2.0  # seconds: quitting must not hang on an unreachable database


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
        reachability: Reachability | None = None,
        outbox_folder: Path | None = None,
    ) -> None:
        self._store = store
        self._profiles = store.load()
        # Made on first use, on a worker: finding the keyring may wait on D-Bus.
        self._make_secrets = secrets
        self._secrets: SecretStore | None = None
        self._kdf_cost = kdf_cost
        self._retry_budget = retry_budget
        self._device = device
        self._reachability = reachability
        # Edits kept while the database is away, one queue per profile and account; None: none.
        self._outbox_folder = outbox_folder
        self._outboxes: dict[str, DurableTasks] = {}
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
                # Takes effect at once: the session on the old settings ends here (its token
                # stays kept, so the same server lets it straight back in), and the next
                # open connects with the new ones.
                session = self._sessions.pop(profile.id, None)
                self._drop_connection(profile.id)
                if session is not None and session.connection is not self._connections.get(profile.id):
                    session.connection.close()
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
            # Said, so the person knows upgrades and admin commands need the direct address;
            # everyday use is the same either way (no session state, no prepared statements).
            pooler = shares_server_connections(connection.db.target)
            return ConnectionReport.connected(
                connection.db.target.described, info, connection.rls_warning, pooler=pooler
            )
        except TodoError as exc:
            return ConnectionReport(ok=False, message=exc.message)
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
            if schema_gap(connection, exc):
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
            signed_in = self._sign_in(profile, connection, credentials)
        except TodoError as exc:
            if schema_gap(connection, exc):
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
        signed_in = self._sign_in(profile, connection, c)
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

    def signed_in(self, profile_id: str) -> tuple[SharedConnection, SignedIn]:
        """The session this computer holds for the profile now: the one its window shows."""
        with self._lock:
            session = self._sessions.get(profile_id)
        if session is None:
            raise NotSignedInError("You are not signed in to this database.")
        return session.connection, session.signed_in

    def forget_account(self, profile_id: str, email: str) -> None:
        """The account is gone from the database: nothing of it stays on this computer, neither
        its session and device tokens nor the edits its outbox still held for it."""
        profile = self._shared(profile_id)
        with self._lock:
            session = self._sessions.pop(profile_id, None)
            self.secrets.delete(profile.session_key)
            self.secrets.delete(profile.device_key(email))
            account = session.signed_in.account.id if session is not None else None
            durable = self._outboxes.pop(f"{profile.id}-{account}", None)
        if durable is not None:
            durable.outbox.replace_all([])
            for path in (durable.outbox.path, durable.outbox.path.with_suffix(".conflicts")):
                path.unlink(missing_ok=True)

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
                    profile,
                    password,
                    kdf_cost=self._kdf_cost,
                    retry_budget=self._retry_budget,
                    reachability=self._reachability,
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

    def _sign_in(self, profile: Profile, connection: SharedConnection, c: Credentials) -> SignedIn:
        """Sign in as this computer: its device token for that account, if it holds one,
        keeps a stranger's failed guesses from locking it out."""
        device_token = self.secrets.get(profile.device_key(c.email))
        return connection.accounts.sign_in(
            c.email, c.password, device=self._device, device_token=device_token
        )

    def _keep(
        self, profile: Profile, connection: SharedConnection, signed_in: SignedIn, stay: bool
    ) -> Workspace:
        with self._lock:
            if signed_in.device_token:
                self.secrets.set(profile.device_key(signed_in.account.email), signed_in.device_token)
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
        durable = None
        if connection.read_only:
            tasks = ReadOnlyTasks(tasks, connection.schema_error)
        elif self._outbox_folder is not None:
            tasks = durable = self._durable(connection.profile, signed_in, tasks)
        notes = [connection.rls_warning, connection.schema_message if connection.read_only else None]
        return Workspace(
            tasks=tasks,
            outbox=durable,
            account=signed_in.account,
            where=connection.db.target.display_host,
            warning=" ".join(n for n in notes if n) or None,
            read_only=connection.read_only,
            profile_id=connection.profile.id,
            reminders=None if connection.read_only else ReminderRepository(connection.db, signed_in.token),
        )

    def _durable(self, profile: Profile, signed_in: SignedIn, tasks: TaskService) -> DurableTasks:
        """The outbox of this profile and account, in front of the newest session's tasks.

        Keyed by account as well as profile: an edit made as one person must never be
        replayed as another who signs in on this computer later. Kept for the whole run, so
        edits still queued under an ended session go out under the next one of the same
        account, in order, and two workspaces never share one queue file.
        """
        assert self._outbox_folder is not None
        key = f"{profile.id}-{signed_in.account.id}"
        with self._lock:
            durable = self._outboxes.get(key)
            if durable is None:
                durable = outbox_for(self._outbox_folder, key, tasks)
                self._outboxes[key] = durable
            else:
                durable.use(tasks)
            return durable


def _where(profile: Profile) -> Profile:
    """The fields that decide which server and role a profile connects to."""
    return replace(profile, name="")
