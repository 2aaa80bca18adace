"""an account's deletion notes never outnumber the tasks it may hold

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07

Each deleted task leaves a note for the person's other devices (revision 0019), kept a day
whatever their number. Making fresh tasks and deleting them in a loop therefore stored notes
past the task quota, about a thousand a second. Now each deletion also removes the account's
notes beyond its newest max_tasks_per_user (the task quota): the notes are bounded as the
tasks are. A person deleting more tasks than their quota in one day leaves the other devices
the newest notes; the rest of those deletions show at their next full reload (the window
reloads its list whenever it regains focus), as after a day away.

The walk is on the notes' own index, newest first, and stops at the account's last note: a
person with a few notes today walks a few entries.

The downgrade takes the cap out again.
"""

from collections.abc import Sequence

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0010 = earlier_revision(__file__, "0010_reminders.py")

_NOTE = "public.todo_task_removals_note()"
_END = """\
     WHERE n.user_id = p.user_id AND n.removed_at < now() - interval '1 day';
    RETURN NULL;"""
_CAPPED = """\
     WHERE n.user_id = p.user_id AND n.removed_at < now() - interval '1 day';
    -- No more notes than the account may hold tasks: the newest stay.
    DELETE FROM public.task_removals n
     USING (SELECT x.user_id, x.task_id
              FROM (SELECT DISTINCT o.user_id FROM old_rows o) AS p,
                   LATERAL (SELECT y.user_id, y.task_id FROM public.task_removals y
                             WHERE y.user_id = p.user_id
                             ORDER BY y.removed_at DESC, y.task_id DESC
                            OFFSET (SELECT s.max_tasks_per_user FROM todo_auth.settings s)) AS x) AS beyond
     WHERE n.user_id = beyond.user_id AND n.task_id = beyond.task_id;
    RETURN NULL;"""


def upgrade() -> None:
    _0010._replaced(_NOTE, _END, _CAPPED)


def downgrade() -> None:
    _0010._replaced(_NOTE, _CAPPED, _END)
