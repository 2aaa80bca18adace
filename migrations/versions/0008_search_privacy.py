"""search that scales, and a person's rights over their data

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-19

Search (sql/0008_search.sql): words through full-text search and parts of words through
trigrams, both in indexes whose keys carry their owner, read by a function that returns only
the signed-in person's candidates. Privacy (sql/0008_privacy.sql): everything a person may
take away about themselves, and deleting an account with nothing left behind but a
pseudonymous audit record. Each file grants and owns its own functions; each has a ``_down``
file that undoes it.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"
_PARTS = ("0008_search", "0008_privacy")


def _run(name: str) -> None:
    op.execute((_SQL / f"{name}.sql").read_text(encoding="utf-8"))


def upgrade() -> None:
    # Only a role with CREATE on the schema may be given a function there; taken back below.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    for part in _PARTS:
        _run(part)
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")


def downgrade() -> None:
    for part in reversed(_PARTS):
        _run(f"{part}_down")
