"""a next occurrence's reminder that would already have rung does not ring at the tick

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07

Completing a repeating task makes its next occurrence, which keeps the task's reminder offset
(revision 0010). When that offset puts the reminder in the past (two days before an
occurrence due tomorrow), the reminder rang the moment the task was ticked: a notification
about the task just dealt with. Now such a reminder is made as gone by (delivered_at set), as
todo_reminder_follows_due treats a due date moved past its reminder. The offset stays set,
so the occurrence after it reminds as before when its time is still ahead.

The downgrade puts back revision 0015's statement.
"""

from collections.abc import Sequence

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0010 = earlier_revision(__file__, "0010_reminders.py")

_CARRIED = """\
    INSERT INTO public.task_reminders (task_id, user_id, before_due, fire_at)
    SELECT n.id, me, r.before_due, n.due_date - r.before_due
"""
_CARRIED_GONE_BY = """\
    INSERT INTO public.task_reminders (task_id, user_id, before_due, fire_at, delivered_at)
    SELECT n.id, me, r.before_due, n.due_date - r.before_due,
           CASE WHEN n.due_date - r.before_due > now() THEN NULL ELSE now() END
"""


def upgrade() -> None:
    _0010._replaced(_0010._UPDATE_TASKS, _CARRIED, _CARRIED_GONE_BY)


def downgrade() -> None:
    _0010._replaced(_0010._UPDATE_TASKS, _CARRIED_GONE_BY, _CARRIED)
