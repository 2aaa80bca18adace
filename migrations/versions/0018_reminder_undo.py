"""a deleted task's reminder comes back with the undo of the delete

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

A reminder deleted with its task is kept apart for a week (sql/0018_reminder_undo.sql), and
restore_tasks, the undo of a delete, puts back the kept reminders of the tasks it inserts.
What is kept is the person's data, so my_data exports it. The downgrade puts back revision
0009's restore_tasks and revision 0008's my_data, and forgets what was kept.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"


_0006 = earlier_revision(__file__, "0006_batch_edits.py")
_0009 = earlier_revision(__file__, "0009_search_speed.py")
_MY_DATA_0008 = _0006._defined_in("0008_privacy.sql", "todo_api.my_data")
_AUDIT = "        'audit_events', coalesce("
_KEPT = """\
        'reminders_kept_for_undo', coalesce((SELECT json_agg(json_build_object(
                                                 'task_id', k.task_id, 'remind_at', k.remind_at,
                                                 'before_due', k.before_due, 'fire_at', k.fire_at,
                                                 'delivered_at', k.delivered_at, 'removed_at', k.removed_at)
                                               ORDER BY k.removed_at, k.task_id)
                                               FROM public.task_reminders_removed k WHERE k.user_id = me),
                                            '[]'::json),
"""

_DECLARED = "    n integer := cardinality(p_ids);\n"
_INSERT = "    INSERT INTO public.tasks (id, user_id,"
_CONFLICT = "    ON CONFLICT (id) DO NOTHING;\n"
_ANSWER = "    RETURN QUERY SELECT * FROM todo_api.get_tasks(p_ids);\n"
# Only the tasks this call inserted get their reminders back: a task still there keeps its own.
_REMINDERS_BACK = """\
    WITH back AS (
        DELETE FROM public.task_reminders_removed k
         WHERE k.user_id = me AND k.task_id = ANY(inserted)
        RETURNING k.task_id, k.remind_at, k.before_due, k.fire_at, k.delivered_at, k.claim_id
    )
    INSERT INTO public.task_reminders (task_id, user_id, remind_at, before_due, fire_at, delivered_at, claim_id)
    SELECT b.task_id, me, b.remind_at, b.before_due, b.fire_at, b.delivered_at, b.claim_id FROM back b
    ON CONFLICT (task_id) DO NOTHING;
"""


def restore_tasks() -> str:
    """Revision 0009's restore_tasks, putting back the reminders kept for the tasks it inserts."""
    text = _0009.restore_tasks()
    for part in (_DECLARED, _INSERT, _CONFLICT, _ANSWER):
        assert text.count(part) == 1, part
    text = text.replace(_DECLARED, _DECLARED + "    inserted uuid[];\n")
    text = text.replace(_INSERT, "    WITH added AS (\n" + _INSERT)
    text = text.replace(
        _CONFLICT,
        "    ON CONFLICT (id) DO NOTHING\n    RETURNING id)\n"
        "    SELECT coalesce(array_agg(a.id), '{}') INTO inserted FROM added a;\n",
    )
    return text.replace(_ANSWER, _REMINDERS_BACK + _ANSWER)


def my_data() -> str:
    """Revision 0008's my_data, with the reminders kept for an undo."""
    assert _MY_DATA_0008.count(_AUDIT) == 1
    return _MY_DATA_0008.replace(_AUDIT, _KEPT + _AUDIT)


def upgrade() -> None:
    op.execute((_SQL / "0018_reminder_undo.sql").read_text(encoding="utf-8"))
    op.execute(restore_tasks())
    op.execute(my_data())


def downgrade() -> None:
    op.execute(_0009.restore_tasks())
    op.execute(_MY_DATA_0008)
    op.execute("REVOKE INSERT (delivered_at, claim_id) ON public.task_reminders FROM todo_api_owner")
    op.execute("DROP TRIGGER task_reminders_kept_for_undo ON public.task_reminders")
    op.execute("DROP FUNCTION public.todo_reminder_kept_for_undo()")
    op.execute("DROP TABLE public.task_reminders_removed")
