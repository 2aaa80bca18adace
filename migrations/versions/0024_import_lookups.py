"""an import finds a batch's ids by key, however long the person's list

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06

import_tasks answers which of a batch's ids another account holds: those that are not the
caller's once the batch is in. Offered ``x.user_id = me`` in that lookup, the planner, with
statistics taken while the list was short (as they are all through a first import into a new
database), read the person's whole list from one of their indexes and compared each id of
the batch with each row. A first import of 100,000 tasks took 90 s where a second took 8.
Written ``(x.user_id = me) IS TRUE``, as revision 0015 wrote the write lookups, the owner
check stays and the primary key is the only way left to find the ids: one lookup each.

The function keeps the setting revision 0021 gave it (jit = off); the downgrade puts back
revision 0011's text with that setting.
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0006 = earlier_revision(__file__, "0006_batch_edits.py")
_SETTINGS = "LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$"
_LOOKUP = "WHERE NOT EXISTS (SELECT 1 FROM public.tasks x WHERE x.id = i.id AND x.user_id = me);"


def _import_rows(lookup: str) -> str:
    text = _0006._defined_in("0011_import_speed.sql", "todo_api.import_rows")
    assert text.count(_SETTINGS) == 1 and text.count(_LOOKUP) == 1
    text = text.replace(_SETTINGS, _SETTINGS.replace(" AS $$", " SET jit = off AS $$"))
    return text.replace(_LOOKUP, lookup)


def upgrade() -> None:
    op.execute(_import_rows(_LOOKUP.replace("x.user_id = me", "(x.user_id = me) IS TRUE")))


def downgrade() -> None:
    op.execute(_import_rows(_LOOKUP))
