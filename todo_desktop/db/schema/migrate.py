"""Running Alembic from the app, and telling a person plainly when a schema is not ours."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from todo_desktop.core.errors import SchemaMismatchError
from todo_desktop.machine.paths import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision this app ships. Checking a database against it needs no Alembic
# (whose import costs about a quarter of a second at every start); a test keeps it equal
# to the head of migrations/versions.
APP_HEAD = "0038"


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    exists = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
    if not exists:
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


class SchemaState(enum.Enum):
    CURRENT = "current"
    MISSING = "missing"
    OLDER = "older"
    NEWER = "newer"


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    state: SchemaState
    database_revision: str | None
    app_revision: str

    @property
    def message(self) -> str:
        db, app = self.database_revision, self.app_revision
        return {
            SchemaState.CURRENT: f"The database schema is current (revision {app}).",
            SchemaState.MISSING: "This database has no Todo Desktop schema yet; its admin must run "
            "'todo-desktop db upgrade'.",
            SchemaState.OLDER: f"This database's schema (revision {db}) is older than this app "
            f"(revision {app}); its admin must run 'todo-desktop db upgrade'.",
            SchemaState.NEWER: f"This database's schema (revision {db}) is newer than this app "
            f"(revision {app}); update the app to use it.",
        }[self.state]

    def require_current(self) -> None:
        if self.state is not SchemaState.CURRENT:
            raise SchemaMismatchError(
                self.message, database_revision=self.database_revision, app_revision=self.app_revision
            )


def schema_status(conn: Connection) -> SchemaStatus:
    head = APP_HEAD
    try:
        current = current_revision(conn)
    except Exception:  # no alembic_version table, or not allowed to read it
        conn.rollback()
        current = None
    if current is None:
        state = SchemaState.MISSING
    elif current == head:
        state = SchemaState.CURRENT
    elif current in known_revisions():  # only reached when the schema is not current
        state = SchemaState.OLDER
    else:
        state = SchemaState.NEWER
    return SchemaStatus(state, current, head)
