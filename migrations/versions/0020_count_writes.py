"""the task counters follow a write without going through json

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

The counters' trigger function now counts a statement's rows from one array of a small
composite type where it runs, instead of writing them as json for two more functions to read
back (sql/0020_count_writes.sql): half the time on every write. The downgrade puts back
revision 0003's trigger function.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"


def _track_0003() -> str:
    text = (Path(__file__).with_name("0003_task_counts.py")).read_text(encoding="utf-8")
    start = text.index("CREATE FUNCTION todo_task_counts_track()")
    end = text.index("\n$$;\n", start) + len("\n$$;\n")
    return "CREATE OR REPLACE FUNCTION public." + text[start + len("CREATE FUNCTION ") : end]


def upgrade() -> None:
    op.execute((_SQL / "0020_count_writes.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute(_track_0003())
    op.execute("DROP TYPE public.todo_task_delta")
