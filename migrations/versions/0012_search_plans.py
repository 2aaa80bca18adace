"""search plans once: one cached statement, and covering pieces of words

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

search_candidates keeps one statement, planned once per session whatever kind of search, and
search_terms asks the index for the pieces that cover each word rather than all of them (see
sql/0012_search_plans.sql). The downgrade puts back the definitions of revisions 0009 and
0008.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute((_SQL / "0012_search_plans.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    defined_in = earlier_revision(__file__, "0006_batch_edits.py")._defined_in
    op.execute(defined_in("0009_search_speed.sql", "todo_api.search_candidates"))
    op.execute(defined_in("0008_search.sql", "todo_api.search_terms"))
