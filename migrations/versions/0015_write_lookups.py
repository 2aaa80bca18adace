"""write lookups: a batch edit or delete finds its tasks by id, never through the owner's list

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

update_tasks and delete_tasks plan once per connection for whoever calls, with the average
person's statistics (revision 0013). Offered ``t.user_id = me`` as an index condition, the
planner found the ids through one of the owner's list indexes (``user_id`` leads them, ``id``
comes last): for a person with 100,000 tasks that read every entry of their list, and a
one-task delete took 4.5 ms instead of about one. Row-level security offered the same
condition: the policy's ``user_id = (SELECT current_user_id())``.

Written as ``(t.user_id = me) IS TRUE`` the owner check stays in every statement, and the
policy keeps its rows, as a filter on each row found: the same rows pass (a NULL is no more
true than before), and the primary key is the only way left to find the ids. Every list and
search names ``t.user_id = me`` itself where it walks the owner's index; clients have no
privilege on the table, so the policy guards the functions' own statements alone.
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0010 = earlier_revision(__file__, "0010_reminders.py")

_UPDATE_TASKS = _0010._UPDATE_TASKS
_DELETE_TASKS = "todo_api.delete_tasks(uuid[], timestamptz[])"
# (function, alias) -> how many statements of it name the owner that way
_CHECKS = {(_UPDATE_TASKS, "t"): 4, (_UPDATE_TASKS, "n"): 1, (_DELETE_TASKS, "t"): 2}
_SESSION_USER = "(SELECT todo_auth.current_user_id())"
_POLICY = "ALTER POLICY tasks_own_rows ON public.tasks USING ({rule}) WITH CHECK ({rule})"


def upgrade() -> None:
    op.execute(_POLICY.format(rule=f"(user_id = {_SESSION_USER}) IS TRUE"))
    for (signature, alias), times in _CHECKS.items():
        _0010._replaced(signature, f"{alias}.user_id = me", f"({alias}.user_id = me) IS TRUE", times)


def downgrade() -> None:
    op.execute(_POLICY.format(rule=f"user_id = {_SESSION_USER}"))
    for (signature, alias), times in _CHECKS.items():
        _0010._replaced(signature, f"({alias}.user_id = me) IS TRUE", f"{alias}.user_id = me", times)
