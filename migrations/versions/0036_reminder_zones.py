"""an offset's whole days are days on the person's calendar, in the zone it was set in

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07

A reminder "1 day before" a task due at 09:00 rang at 08:00 or 10:00 local time when summer
time began or ended in between: revision 0010 keeps an offset as hours alone, so a day was
always 24 hours. A reminder set with an offset now keeps the IANA name of the setting device's
zone (task_reminders.zone, nullable: no table is rewritten), and its ring time counts the
offset's whole days on that zone's calendar and the rest exactly (sql/0036_reminder_zones.sql).
Every place that makes a ring time from a due time uses the one helper for it: set_reminder,
the trigger that moves a reminder with its due date, and a repeating task's next occurrence
(update_tasks); a deleted task's reminder keeps its zone for the undo, and both exports
carry it. Reminders from before have no zone and keep their meaning, as do calls of
set_reminder without one (the zone is a last argument with a default).

The downgrade puts back revision 0010's set_reminder with the settings of revisions 0021 and
0030, the statements as they were, and drops the columns; each reminder stays.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op
from sqlalchemy import text

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"
_0006 = earlier_revision(__file__, "0006_batch_edits.py")
_0010 = earlier_revision(__file__, "0010_reminders.py")
_0029 = earlier_revision(__file__, "0029_next_reminder_past.py")
_0034 = earlier_revision(__file__, "0034_change_cursor.py")

_SET = "todo_api.set_reminder(uuid, timestamptz, interval, text)"
_OLD_SET = "todo_api.set_reminder(uuid, timestamptz, interval)"
_HELPER = "public.todo_reminder_fire_at(timestamptz, interval, text)"

_FOLLOWED = "NEW.due_date - r.before_due"
_FOLLOWED_BY_DAYS = "public.todo_reminder_fire_at(NEW.due_date, r.before_due, r.zone)"

_CARRIED_BY_DAYS = """\
    INSERT INTO public.task_reminders (task_id, user_id, before_due, zone, fire_at, delivered_at)
    SELECT n.id, me, r.before_due, r.zone, public.todo_reminder_fire_at(n.due_date, r.before_due, r.zone),
           CASE WHEN public.todo_reminder_fire_at(n.due_date, r.before_due, r.zone) > now() THEN NULL ELSE now() END
"""

_KEPT = """\
           (user_id, task_id, remind_at, before_due, fire_at, delivered_at, claim_id)
    VALUES (OLD.user_id, OLD.task_id, OLD.remind_at, OLD.before_due, OLD.fire_at, OLD.delivered_at, OLD.claim_id)
    ON CONFLICT (user_id, task_id) DO UPDATE
       SET remind_at = EXCLUDED.remind_at, before_due = EXCLUDED.before_due, fire_at = EXCLUDED.fire_at,
"""
_KEPT_WITH_ZONE = """\
           (user_id, task_id, remind_at, before_due, zone, fire_at, delivered_at, claim_id)
    VALUES (OLD.user_id, OLD.task_id, OLD.remind_at, OLD.before_due, OLD.zone, OLD.fire_at, OLD.delivered_at,
            OLD.claim_id)
    ON CONFLICT (user_id, task_id) DO UPDATE
       SET remind_at = EXCLUDED.remind_at, before_due = EXCLUDED.before_due, zone = EXCLUDED.zone,
           fire_at = EXCLUDED.fire_at,
"""

_BACK = """\
        RETURNING k.task_id, k.remind_at, k.before_due, k.fire_at, k.delivered_at, k.claim_id
    )
    INSERT INTO public.task_reminders (task_id, user_id, remind_at, before_due, fire_at, delivered_at, claim_id)
    SELECT b.task_id, me, b.remind_at, b.before_due, b.fire_at, b.delivered_at, b.claim_id FROM back b
"""
_BACK_WITH_ZONE = """\
        RETURNING k.task_id, k.remind_at, k.before_due, k.zone, k.fire_at, k.delivered_at, k.claim_id
    )
    INSERT INTO public.task_reminders (task_id, user_id, remind_at, before_due, zone, fire_at, delivered_at,
                                       claim_id)
    SELECT b.task_id, me, b.remind_at, b.before_due, b.zone, b.fire_at, b.delivered_at, b.claim_id FROM back b
"""

_EXPORTED = "'fire_at', r.fire_at, 'delivered_at', r.delivered_at)"
_EXPORTED_WITH_ZONE = "'fire_at', r.fire_at, 'delivered_at', r.delivered_at, 'zone', r.zone)"
_KEPT_EXPORTED = "'delivered_at', k.delivered_at, 'removed_at', k.removed_at)"
_KEPT_EXPORTED_WITH_ZONE = "'delivered_at', k.delivered_at, 'removed_at', k.removed_at, 'zone', k.zone)"


def _signature(name: str) -> str:
    """The one function of that name, with its argument types (restore_tasks' are many)."""
    found = (
        op.get_bind()
        .execute(
            text("SELECT CAST(CAST(CAST(:name AS regproc) AS oid) AS regprocedure)::text"), {"name": name}
        )
        .scalar_one()
    )
    return str(found)


def _changes() -> list[tuple[str, str, str, int]]:
    """Each statement that makes or keeps a ring time: (function, as revision 0035 has it, as
    this revision makes it, how many times it occurs)."""
    return [
        ("public.todo_reminder_follows_due()", _FOLLOWED, _FOLLOWED_BY_DAYS, 2),
        (_0010._UPDATE_TASKS, _0029._CARRIED_GONE_BY, _CARRIED_BY_DAYS, 1),
        ("public.todo_reminder_kept_for_undo()", _KEPT, _KEPT_WITH_ZONE, 1),
        (_signature("todo_api.restore_tasks"), _BACK, _BACK_WITH_ZONE, 1),
        (_0010._MY_TASKS, _EXPORTED, _EXPORTED_WITH_ZONE, 2),
        ("todo_api.my_data()", _KEPT_EXPORTED, _KEPT_EXPORTED_WITH_ZONE, 1),
    ]


def upgrade() -> None:
    op.execute((_SQL / "0036_reminder_zones.sql").read_text(encoding="utf-8"))
    _0034._owned((_SET,), granted=True)
    for signature, old, new, times in _changes():
        _0010._replaced(signature, old, new, times)


def downgrade() -> None:
    for signature, old, new, times in reversed(_changes()):
        _0010._replaced(signature, new, old, times)
    op.execute(f"DROP FUNCTION {_SET}")
    op.execute(_0006._defined_in("0010_reminders.sql", "todo_api.set_reminder"))
    op.execute(f"ALTER FUNCTION {_OLD_SET} SET jit = off")
    op.execute(f"ALTER FUNCTION {_OLD_SET} SET client_min_messages = notice")
    _0034._owned((_OLD_SET,), granted=True)
    op.execute(f"DROP FUNCTION {_HELPER}")
    op.execute("ALTER TABLE public.task_reminders_removed DROP COLUMN zone")
    op.execute("ALTER TABLE public.task_reminders DROP COLUMN zone")
