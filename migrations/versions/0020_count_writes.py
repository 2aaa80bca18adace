"""the task counters follow a write without going through json, with the stored text

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

The counters' trigger function now counts a statement's rows from one array of a small
composite type where it runs, instead of writing them as json for two more functions to read
back, and counts the stored text and checks the limits too, so the quota trigger of revision
0004 goes (sql/0020_count_writes.sql), and with it its function and revision 0003's json steps,
which nothing calls any more. The downgrade makes them again: revision 0003's trigger function
and json steps, and revision 0004's quota triggers with their function as revision 0007 left it.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"

_0006 = earlier_revision(__file__, "0006_batch_edits.py")


# Revision 0003's json steps, which nothing calls once the trigger counts where it runs:
# dropped here, made again by the downgrade (in this order: each may call the ones before).
_JSON_STEPS = (
    "todo_task_change(public.tasks, integer)",
    "todo_task_changes(jsonb)",
    "todo_due_days_add(jsonb)",
    "todo_task_changes_apply(jsonb)",
)
_USAGE = "public.todo_task_usage_track()"


def _defined_0003(name: str) -> str:
    """Function ``name`` as revision 0003 made it (its text holds the SQL), in schema public."""
    text = (Path(__file__).with_name("0003_task_counts.py")).read_text(encoding="utf-8")
    start = text.index(f"CREATE FUNCTION {name}(")
    end = text.index("\n$$;\n", start) + len("\n$$;\n")
    return "CREATE OR REPLACE FUNCTION public." + text[start + len("CREATE FUNCTION ") : end]


def _usage_triggers_0004() -> str:
    text = (_SQL / "0004_quotas.sql").read_text(encoding="utf-8")
    start = text.index("CREATE TRIGGER tasks_usage_insert")
    last = "CREATE TRIGGER tasks_usage_delete"
    end = text.index(";\n", text.index(last)) + 2
    return text[start:end]


def upgrade() -> None:
    op.execute((_SQL / "0020_count_writes.sql").read_text(encoding="utf-8"))
    op.execute(f"DROP FUNCTION {_USAGE}")
    for signature in reversed(_JSON_STEPS):
        op.execute(f"DROP FUNCTION public.{signature}")


def downgrade() -> None:
    for signature in _JSON_STEPS:
        op.execute(_defined_0003(signature.split("(")[0]))
        op.execute(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC")
    op.execute(_defined_0003("todo_task_counts_track"))
    op.execute(_0006._defined_in("0007_tags_repeats.sql", _USAGE.removesuffix("()")))
    op.execute(f"REVOKE ALL ON FUNCTION {_USAGE} FROM PUBLIC")
    op.execute(_usage_triggers_0004())
    op.execute(_0006._defined_in("0007_tags_repeats.sql", "public.todo_task_text_bytes"))
    op.execute("DROP FUNCTION public.todo_text_bytes(text, text, text[])")
    op.execute("DROP TYPE public.todo_task_delta")
