"""A connection to a shared database for one profile: the pool, the schema's state, and
whether the role bypasses row-level security (a loud warning)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from todo_desktop.core.errors import SchemaMismatchError, TodoError
from todo_desktop.core.profiles import Profile
from todo_desktop.core.reachability import Reachability
from todo_desktop.db.accounts import AccountService
from todo_desktop.db.connect.engine import create_db_engine
from todo_desktop.db.connect.urls import parse_database_url
from todo_desktop.db.database import Database
from todo_desktop.db.passwords import DEFAULT_COST, KdfCost
from todo_desktop.db.roles import rls_bypass_warning
from todo_desktop.db.schema import migrate
from todo_desktop.db.schema.migrate import SchemaState, SchemaStatus

READ_ONLY = "Until then, it opens read-only."


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
    reachability: Reachability | None = None,
) -> SharedConnection:
    """Connect (retrying while a suspended compute wakes), then check schema and role.

    The profile's own TLS mode and pooled flag apply, never the defaults of a pasted URL.
    """
    url = make_url(profile.connection_url()).set(password=password or None)
    url_text = url.render_as_string(hide_password=False)
    target = parse_database_url(url_text, pooled=profile.pooled, tls_mode=profile.tls_mode.value)
    engine = create_db_engine(target, pool_size=pool_size)
    db = Database(engine, target, retry_budget=retry_budget, reachability=reachability)
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


def schema_gap(connection: SharedConnection, exc: TodoError) -> bool:
    """On a schema that is not ours, a missing table, function or schema means exactly that."""
    return connection.read_only and type(exc) in (TodoError, SchemaMismatchError)
