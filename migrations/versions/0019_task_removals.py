"""deletions leave a note that other devices read

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

Each deleted task leaves a note (its id and when) in public.task_removals, written once per
statement by a trigger, and todo_api.removed_since hands a person's notes to their other
devices, which drop those rows from their lists at the next poll (sql/0019_task_removals.sql).
Notes live a day. The downgrade drops the function, the trigger and the notes.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"
_REMOVED_SINCE = "todo_api.removed_since(timestamptz, integer)"


def upgrade() -> None:
    op.execute((_SQL / "0019_task_removals.sql").read_text(encoding="utf-8"))
    # Only a role with CREATE on the schema may be given a function there; taken back below.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute(f"ALTER FUNCTION {_REMOVED_SINCE} OWNER TO todo_api_owner")
    op.execute(f"REVOKE ALL ON FUNCTION {_REMOVED_SINCE} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {_REMOVED_SINCE} TO todo_app")
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION {_REMOVED_SINCE}")
    op.execute("DROP TRIGGER tasks_removals_note ON public.tasks")
    op.execute("DROP FUNCTION public.todo_task_removals_note()")
    op.execute("DROP TABLE public.task_removals")
