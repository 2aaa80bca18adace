"""import speed: todo_api.import_tasks, and task_tags made once per inserted statement

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

An import sends each batch as one JSON array to todo_api.import_tasks, which answers with how
many tasks it added and which ids another account holds, instead of reading every task back
(see sql/0011_import_speed.sql). The tags of inserted tasks go into task_tags from one statement
over the insert's transition table; the row trigger of revision 0007 stays for updates.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"
IMPORT_TASKS = "todo_api.import_tasks(json)"
IMPORT_ROWS = (
    "todo_api.import_rows(uuid, uuid[], text[], text[], text[], text[], timestamptz[], boolean[], timestamptz[], "
    "timestamptz[], integer[], text[], text[], text[], boolean[])"
)


def upgrade() -> None:
    op.execute((_SQL / "0011_import_speed.sql").read_text(encoding="utf-8"))
    # Only a role with CREATE on the schema may be given a function there; taken back below.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    for signature in (IMPORT_TASKS, IMPORT_ROWS):
        op.execute(f"ALTER FUNCTION {signature} OWNER TO todo_api_owner")
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")
    op.execute(f"GRANT EXECUTE ON FUNCTION {IMPORT_TASKS} TO todo_app")
    op.execute("REVOKE ALL ON FUNCTION public.todo_task_tags_insert() FROM PUBLIC")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION {IMPORT_TASKS}")
    op.execute(f"DROP FUNCTION {IMPORT_ROWS}")
    op.execute("DROP TRIGGER tasks_tags_insert ON public.tasks")
    op.execute("DROP FUNCTION public.todo_task_tags_insert()")
    op.execute(
        "CREATE TRIGGER tasks_tags_insert AFTER INSERT ON public.tasks "
        "FOR EACH ROW WHEN (NEW.tags <> '{}') EXECUTE FUNCTION public.todo_task_tags_sync()"
    )
