"""edits of several tasks as one call and one transaction, with versions, deletes included

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Completing, deleting, re-prioritising or re-dating a selection used to be one call (and one
transaction) per task, so a failure part-way left some tasks changed and others not, and a
selection of 200 tasks cost 200 round trips and 200 commits. todo_api.update_tasks now takes
the whole selection as arrays (one value per task, each with the version its edit was based
on) and writes it in one statement; todo_api.delete_tasks takes a version per task too, so a
delete the outbox replays no longer reads each task first to see whether another device
changed it (a gap of one round trip), and todo_api.restore_tasks checks its arrays as the
other two do. set_completed, superseded by update_tasks, is gone.

Every batch is checked before any row is read or locked: at most 10,000 tasks, arrays of one
length, no task without an id, none twice. A task that is not the caller's behaves exactly as
one that does not exist: it is never read, locked or written, and gives no row.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"

_UPDATE_TYPES = "uuid[], timestamptz[], integer[], text[], text[], text[], text[], timestamptz[], boolean[]"
_RESTORE_TYPES = (
    "uuid[], text[], text[], text[], text[], timestamptz[], boolean[], timestamptz[], timestamptz[]"
)
# The calls clients make: owned by todo_api_owner, granted to todo_app only.
_API = (
    f"todo_api.update_tasks({_UPDATE_TYPES})",
    "todo_api.delete_tasks(uuid[], timestamptz[])",
    f"todo_api.restore_tasks({_RESTORE_TYPES})",
)
# Called only from inside those functions, as their owner: no client may call it.
_HELPER = "todo_api.check_arrays(uuid[], integer[])"


def _owned(signature: str, *, granted: bool) -> str:
    grant = f"GRANT EXECUTE ON FUNCTION {signature} TO todo_app;\n" if granted else ""
    return (
        f"ALTER FUNCTION {signature} OWNER TO todo_api_owner;\n"
        f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC;\n{grant}"
    )


def upgrade() -> None:
    # Only a role with CREATE on the schema may be given a function there; taken back below.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute((_SQL / "0006_batch_edits.sql").read_text(encoding="utf-8"))
    op.execute(_owned(_HELPER, granted=False))
    for signature in _API:
        op.execute(_owned(signature, granted=True))
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")


def _defined_in(file: str, name: str) -> str:
    """One function as an earlier revision's SQL file defined it, as CREATE OR REPLACE (which
    also puts back its settings): the downgrade restores exactly that definition without a
    second copy here."""
    text = (_SQL / file).read_text(encoding="utf-8")
    head = f"FUNCTION {name}("
    found = [i for i in (text.find(f"CREATE {head}"), text.find(f"CREATE OR REPLACE {head}")) if i >= 0]
    start = min(found)
    end = text.index("\n$$;\n", start) + len("\n$$;\n")
    body = text[start:end]
    return body if body.startswith("CREATE OR REPLACE") else "CREATE OR REPLACE" + body[len("CREATE") :]


def downgrade() -> None:
    op.execute(f"DROP FUNCTION todo_api.update_tasks({_UPDATE_TYPES})")
    op.execute("DROP FUNCTION todo_api.delete_tasks(uuid[], timestamptz[])")
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute(_defined_in("0004_api.sql", "todo_api.delete_tasks"))
    op.execute(_defined_in("0005_cached_plans.sql", "todo_api.set_completed"))
    op.execute(_defined_in("0005_cached_plans.sql", "todo_api.restore_tasks"))
    for signature in (
        "todo_api.delete_tasks(uuid[])",
        "todo_api.set_completed(uuid[], boolean)",
        f"todo_api.restore_tasks({_RESTORE_TYPES})",
    ):
        op.execute(_owned(signature, granted=True))
    op.execute(f"DROP FUNCTION {_HELPER}")  # restore_tasks no longer calls it
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")
