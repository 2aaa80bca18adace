"""one login role begins at most so many sign-ins a minute

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07

begin_login records every attempt, before anything is compared, and keeps it a week (the
throttling counts them). An attempt costs its sender nothing: a wrong key is 32 bytes of
anything, so one client could store attempts at a thousand a second, for random emails, and
fill the database for everyone. Now each login role (on a shared database, a person's own)
may begin at most todo_auth.settings.max_sign_ins_per_minute attempts a minute, 100 unless
the admin says otherwise; past that, begin_login refuses with TDQ07 and stores nothing. No
person signs in a hundred times a minute, and the refusal says nothing about any account.
The attempts remember their role (login_attempts.login_role, the session's login role:
SECURITY DEFINER changes the current role, not that one).

The downgrade takes the check, the column, its index and the setting out again.
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0010 = earlier_revision(__file__, "0010_reminders.py")

_BEGIN_LOGIN = "todo_auth.begin_login(text, bytea, text, text)"
_RECORD = "    INSERT INTO todo_auth.login_attempts (email_hash, device_hash, user_id, key_hash, device)\n"
_CHECKED = (
    """\
    -- At most so many a minute from one login role (revision 0033): each is kept a week.
    IF (SELECT count(*) FROM (SELECT 1 FROM todo_auth.login_attempts a
                               WHERE a.login_role = session_user AND a.at > clock_timestamp() - interval '1 minute'
                               LIMIT (SELECT s.max_sign_ins_per_minute FROM todo_auth.settings s)) AS recent)
       >= (SELECT s.max_sign_ins_per_minute FROM todo_auth.settings s) THEN
        RAISE EXCEPTION 'too many sign-ins from this role in the last minute' USING ERRCODE = 'TDQ07';
    END IF;
"""
    + _RECORD
)


def upgrade() -> None:
    op.execute(
        "ALTER TABLE todo_auth.settings ADD COLUMN max_sign_ins_per_minute integer NOT NULL DEFAULT 100"
        " CONSTRAINT settings_max_sign_ins_per_minute_check CHECK (max_sign_ins_per_minute > 0)"
    )
    op.execute(
        "ALTER TABLE todo_auth.login_attempts ADD COLUMN login_role name NOT NULL DEFAULT session_user"
    )
    op.execute("CREATE INDEX login_attempts_role_idx ON todo_auth.login_attempts (login_role, at)")
    _0010._replaced(_BEGIN_LOGIN, _RECORD, _CHECKED)


def downgrade() -> None:
    _0010._replaced(_BEGIN_LOGIN, _CHECKED, _RECORD)
    op.execute("DROP INDEX todo_auth.login_attempts_role_idx")
    op.execute("ALTER TABLE todo_auth.login_attempts DROP COLUMN login_role")
    op.execute("ALTER TABLE todo_auth.settings DROP COLUMN max_sign_ins_per_minute")
