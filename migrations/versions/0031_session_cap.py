"""an account holds at most 100 sessions

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07

Every sign-in stores a session for 90 days, and a revoked one is kept 30 days, with nothing
to bound how many: a client that knows its own key (it derives it once; the costly part is
the client's) could sign in again and again and store sessions without end. Known devices
were already capped at 50 per account. Now each new session also removes the account's
sessions beyond its 100 newest, live or revoked: the oldest live ones are signed out, which no
person with fewer than 100 devices signed in notices. SKIP LOCKED: a sign-in never waits for
another one's clean-up.

The downgrade takes the cap out again.
"""

from collections.abc import Sequence

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0010 = earlier_revision(__file__, "0010_reminders.py")

_NEW_SESSION = "todo_auth.new_session(uuid, text)"
_END = "    RETURN token;\nEND"
_CAPPED = """\
    -- At most 100 sessions per account, the newest: the others end here.
    DELETE FROM todo_auth.sessions WHERE token_hash IN (
        SELECT token_hash FROM todo_auth.sessions WHERE user_id = p_user
         ORDER BY created_at DESC, token_hash OFFSET 100 FOR UPDATE SKIP LOCKED);
    RETURN token;
END"""


def upgrade() -> None:
    _0010._replaced(_NEW_SESSION, _END, _CAPPED)


def downgrade() -> None:
    _0010._replaced(_NEW_SESSION, _CAPPED, _END)
