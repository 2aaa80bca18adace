"""reminders: one per task, kept in the database and handed out once per person

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

public.task_reminders holds at most one reminder per task: at a time of its own, or an offset
before the task's due time, which a trigger moves with the due time. Clients have no privilege
on it and row-level security is FORCEd with the tasks' policy; the todo_api functions set,
clear, read, snooze and claim reminders (see sql/0010_reminders.sql). A claim marks what it
returns delivered in the same statement, so two devices of one person never both ring.

Completing a repeating task makes its next occurrence inside update_tasks; that occurrence now
keeps the task's offset reminder, and the export (my_tasks) carries each task's reminder. Both
functions are changed where they stand in the database (the definition read back, the new text
added), so this revision does not carry a second copy of functions other revisions own.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op
from sqlalchemy import text

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"

_UPDATE_TASKS = (
    "todo_api.update_tasks(uuid[], timestamptz[], integer[], text[], text[], text[], text[], timestamptz[], "
    "boolean[], integer[], text[], text[], text[], boolean[], uuid[], timestamptz[])"
)
# In update_tasks, right after the INSERT of the next occurrences.
_ANCHOR = "    ON CONFLICT (id) DO NOTHING;\n    -- Which occurrences the person's edits name"
_CARRY = """    ON CONFLICT (id) DO NOTHING;
    -- Each next occurrence this call made keeps its task's offset reminder (revision 0010).
    INSERT INTO public.task_reminders (task_id, user_id, before_due, fire_at)
    SELECT n.id, me, r.before_due, n.due_date - r.before_due
      FROM unnest(written) AS c
      JOIN unnest(p_ids, p_next_ids, p_next_dues) AS x(id, next_id, next_due) ON x.id = c.id
      JOIN public.task_reminders r ON r.task_id = c.id AND r.user_id = me
      JOIN public.tasks n ON n.id = x.next_id AND n.user_id = me AND n.due_date = x.next_due
     WHERE c.completed AND c.completed_at = c.updated_at AND c.repeat_rule IS NOT NULL
       AND r.before_due IS NOT NULL AND x.next_id <> ALL(p_ids)
     ORDER BY n.id
    ON CONFLICT (task_id) DO NOTHING;
    -- Which occurrences the person's edits name"""

_MY_TASKS = "todo_api.my_tasks(boolean, timestamptz, uuid, integer)"
# In my_tasks (both of its statements): each exported task carries its reminder.
_EXPORTED = "'repeat_after_completion', t.repeat_after_completion)"
_EXPORTED_WITH_REMINDER = """'repeat_after_completion', t.repeat_after_completion,
                   'reminder', (SELECT json_build_object('remind_at', r.remind_at, 'before_due', r.before_due,
                                                         'fire_at', r.fire_at, 'delivered_at', r.delivered_at)
                                  FROM public.task_reminders r WHERE r.task_id = t.id AND r.user_id = me))"""

_API = (
    "todo_api.set_reminder(uuid, timestamptz, interval)",
    "todo_api.clear_reminder(uuid)",
    "todo_api.reminder_of(uuid)",
    "todo_api.reminded_task_ids()",
    "todo_api.claim_due_reminders(integer, uuid)",
    "todo_api.snooze_reminder(uuid, integer)",
    "todo_api.next_reminder_at()",
)


def _owned(signature: str, *, granted: bool) -> str:
    grant = f"GRANT EXECUTE ON FUNCTION {signature} TO todo_app;\n" if granted else ""
    return (
        f"ALTER FUNCTION {signature} OWNER TO todo_api_owner;\n"
        f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC;\n{grant}"
    )


def _replaced(signature: str, old: str, new: str, times: int = 1) -> None:
    """The function as it stands, with ``old`` made ``new`` (CREATE OR REPLACE keeps its owner,
    grants and settings)."""
    _rewritten(signature, (old, new, times))


def _rewritten(signature: str, *changes: tuple[str, str, int]) -> None:
    """The function as it stands, with each ``(old, new, times)`` made in turn and the result
    made in one statement (a change may need another: a variable declared, then used).

    Sent through the driver with its percent signs doubled: a RAISE's ``%`` would otherwise be
    read as a placeholder, or, through SQLAlchemy's text(), arrive doubled."""
    bind = op.get_bind()
    definition = bind.execute(
        text("SELECT pg_get_functiondef(CAST(:sig AS regprocedure))"), {"sig": signature}
    ).scalar_one()
    for old, new, times in changes:
        assert definition.count(old) == times, f"{signature} is not as this revision expects"
        definition = definition.replace(old, new)
    bind.exec_driver_sql(definition.replace("%", "%%"))


def upgrade() -> None:
    op.execute((_SQL / "0010_reminders.sql").read_text(encoding="utf-8"))
    # Only a role with CREATE on the schema may be given a function there; taken back below.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    for signature in _API:
        op.execute(_owned(signature, granted=True))
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")
    _replaced(_UPDATE_TASKS, _ANCHOR, _CARRY)
    _replaced(_MY_TASKS, _EXPORTED, _EXPORTED_WITH_REMINDER, times=2)


def downgrade() -> None:
    _replaced(_MY_TASKS, _EXPORTED_WITH_REMINDER, _EXPORTED, times=2)
    _replaced(_UPDATE_TASKS, _CARRY, _ANCHOR)
    for signature in _API:
        op.execute(f"DROP FUNCTION {signature}")
    op.execute("DROP TRIGGER tasks_reminder_follows_due ON public.tasks")
    op.execute("DROP FUNCTION public.todo_reminder_follows_due()")
    op.execute("DROP TABLE public.task_reminders")
