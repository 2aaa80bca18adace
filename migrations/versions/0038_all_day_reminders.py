"""a task due all day counts its reminders from 09:00 on its day

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07

A task due all day (a date alone) is kept at 23:59 local time, so "1 day before" rang at 23:59
the evening before, "when due" a minute before midnight and "1 hour before" at 22:59. A
reminder now counts back from 09:00 on that day when its task is due at 23:59 in the zone the
reminder was set in, as calendar apps ring for a whole day's events: the one helper every ring
time comes from (public.todo_reminder_fire_at, revision 0036) reads it so, and the reminders
already stored are moved by the same rule as a due date's edit moves them. A reminder without
a zone cannot tell the local day and keeps its meaning.

The downgrade puts back the helper as revision 0036 made it and moves the same reminders back.
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0010 = earlier_revision(__file__, "0010_reminders.py")

_HELPER = "public.todo_reminder_fire_at(timestamptz, interval, text)"
_DECLARED = "    days integer := floor(seconds / 86400);\n"
_DECLARED_LOCAL = _DECLARED + "    due_local timestamp;\n"
_EXACT = """\
    IF p_zone IS NULL OR p_due IS NULL OR p_before_due IS NULL OR days = 0 THEN
        RETURN p_due - p_before_due;
    END IF;
    BEGIN
        RETURN ((p_due AT TIME ZONE p_zone) - make_interval(days => days)) AT TIME ZONE p_zone
"""
# The all-day test needs the zone, so it comes before the shortcut for an offset of hours.
_FROM_THE_MORNING = """\
    IF p_zone IS NULL OR p_due IS NULL OR p_before_due IS NULL THEN
        RETURN p_due - p_before_due;
    END IF;
    BEGIN
        due_local := p_due AT TIME ZONE p_zone;
        IF due_local::time = time '23:59' THEN
            due_local := due_local::date + time '09:00';  -- due all day: rings from the morning
        ELSIF days = 0 THEN
            RETURN p_due - p_before_due;
        END IF;
        RETURN (due_local - make_interval(days => days)) AT TIME ZONE p_zone
"""
# As a due date's edit moves a reminder (todo_reminder_follows_due): a ring time now ahead
# rings again, one already past is left as it was.
_MOVED = """
    UPDATE public.task_reminders r
       SET fire_at = m.fire_at,
           delivered_at = CASE WHEN m.fire_at > now() THEN NULL ELSE r.delivered_at END
      FROM (SELECT r2.task_id, public.todo_reminder_fire_at(t.due_date, r2.before_due, r2.zone) AS fire_at
              FROM public.task_reminders r2 JOIN public.tasks t ON t.id = r2.task_id
             WHERE r2.before_due IS NOT NULL AND r2.zone IS NOT NULL) AS m
     WHERE r.task_id = m.task_id AND r.fire_at IS DISTINCT FROM m.fire_at
"""


def upgrade() -> None:
    _0010._rewritten(_HELPER, (_DECLARED, _DECLARED_LOCAL, 1), (_EXACT, _FROM_THE_MORNING, 1))
    op.execute(_MOVED)


def downgrade() -> None:
    _0010._rewritten(_HELPER, (_FROM_THE_MORNING, _EXACT, 1), (_DECLARED_LOCAL, _DECLARED, 1))
    op.execute(_MOVED)
