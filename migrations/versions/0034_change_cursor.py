"""other devices' changes are read in commit order, from a cursor the database gives

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07

A window polled for the tasks changed after the newest version it had seen, less 5 seconds.
A version is stamped while its transaction runs, so a transaction that committed more than 5
seconds after its stamps (an import of 100,000 tasks takes about 10) was already behind every
later poll: the other devices showed its tasks only at their next full reload. Now each task
change (the tasks' touch trigger) and each deletion note keeps the id of the transaction that
wrote it (nullable, no table rewrite; rows from before count as old), and
todo_api.changed_since / removed_since take a cursor from todo_api.change_cursor (the oldest
transaction running when the previous poll began, but at most todo_auth.settings.change_lag_xids
transactions back, so a transaction any client holds open cannot make every poll read again all
it has read since) instead of a time (sql/0034_change_cursor.sql).
The time-taking functions go: an app of another revision opens this database read-only.

begin_login read the sign-in rate setting twice in one check (revision 0033); it reads it once.

The downgrade puts the time-taking functions back and drops the columns.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"
_0010 = earlier_revision(__file__, "0010_reminders.py")
_0033 = earlier_revision(__file__, "0033_sign_in_rate.py")

_API = (
    "todo_api.change_cursor()",
    "todo_api.changed_since(bigint, bigint, uuid, integer)",
    "todo_api.removed_since(bigint, bigint, uuid, integer)",
)
_HELPER = "todo_api.change_range(bigint, bigint, uuid, integer)"
_OLD_API = ("todo_api.changed_since(timestamptz, integer)", "todo_api.removed_since(timestamptz, integer)")

_TOUCH = "public.todo_touch_row()"
_UNSTAMPED = "    IF TG_TABLE_NAME = 'tasks' THEN\n        IF NOT NEW.completed THEN"
_STAMPED = """\
    IF TG_TABLE_NAME = 'tasks' THEN
        -- The writing transaction, so polls read changes in commit order (revision 0034).
        NEW.change_xid := pg_current_xact_id();
        IF NOT NEW.completed THEN"""

_NOTE = "public.todo_task_removals_note()"
_UNNOTED = """\
    INSERT INTO public.task_removals AS n (user_id, task_id, removed_at)
    SELECT o.user_id, o.id, clock_timestamp() FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM public.users u WHERE u.id = o.user_id)
     ORDER BY o.user_id, o.id
    ON CONFLICT (user_id, task_id) DO UPDATE SET removed_at = EXCLUDED.removed_at;"""
_NOTED = """\
    INSERT INTO public.task_removals AS n (user_id, task_id, removed_at, removed_xid)
    SELECT o.user_id, o.id, clock_timestamp(), pg_current_xact_id() FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM public.users u WHERE u.id = o.user_id)
     ORDER BY o.user_id, o.id
    ON CONFLICT (user_id, task_id) DO UPDATE
        SET removed_at = EXCLUDED.removed_at, removed_xid = EXCLUDED.removed_xid;"""

_BEGIN_LOGIN = "todo_auth.begin_login(text, bytea, text, text)"
# The limit-th attempt of the last minute exists: the setting read once.
_RATE_ONCE = (
    """\
    -- At most so many a minute from one login role (revision 0033): each is kept a week.
    IF EXISTS (SELECT 1 FROM todo_auth.login_attempts a
                WHERE a.login_role = session_user AND a.at > clock_timestamp() - interval '1 minute'
               OFFSET (SELECT s.max_sign_ins_per_minute - 1 FROM todo_auth.settings s)) THEN
        RAISE EXCEPTION 'too many sign-ins from this role in the last minute' USING ERRCODE = 'TDQ07';
    END IF;
"""
    + _0033._RECORD
)


def _owned(signatures: Sequence[str], *, granted: bool) -> None:
    # Only a role with CREATE on the schema may be given a function there; taken back below.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    for signature in signatures:
        op.execute(f"ALTER FUNCTION {signature} OWNER TO todo_api_owner")
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        if granted:
            op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO todo_app")
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")


def upgrade() -> None:
    op.execute((_SQL / "0034_change_cursor.sql").read_text(encoding="utf-8"))
    _owned(_API, granted=True)
    _owned((_HELPER,), granted=False)
    _0010._replaced(_TOUCH, _UNSTAMPED, _STAMPED)
    _0010._replaced(_NOTE, _UNNOTED, _NOTED)
    _0010._replaced(_BEGIN_LOGIN, _0033._CHECKED, _RATE_ONCE)


def downgrade() -> None:
    _0010._replaced(_BEGIN_LOGIN, _RATE_ONCE, _0033._CHECKED)
    _0010._replaced(_NOTE, _NOTED, _UNNOTED)
    _0010._replaced(_TOUCH, _STAMPED, _UNSTAMPED)
    op.execute((_SQL / "0034_change_cursor_down.sql").read_text(encoding="utf-8"))
    _owned(_OLD_API, granted=True)
