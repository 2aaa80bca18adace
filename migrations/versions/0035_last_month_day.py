"""a task may repeat on the last day of the month (BYMONTHDAY=-1)

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-08

"Every last day of the month" is RRULE BYMONTHDAY=-1: 31 January, 28 or 29 February, 31 March.
The check on a rule's shape took BYMONTHDAY 1 to 31 only; it now takes -1 too, with plain
weekdays as a positive day is taken ("BYDAY=FR;BYMONTHDAY=-1", a month ending on a Friday),
but not with a weekday's place in the month ("BYDAY=-1FR;BYMONTHDAY=-1" asks for a last
Friday that is also the last day: written by no app, and refused as the app refuses it).
Only -1: the other days counted from the end (-2, the day before the last) have no words in
the app and come from no app people move from, so each would be one more way to be wrong.

A 1,000,000-task table must not stop for a scan. Adding a check reads every row under an
ACCESS EXCLUSIVE lock, which blocks even reads; so the new check is added NOT VALID (new
rows are checked at once, old ones are not read) in place of the old one, that transaction
commits, and the rows are then read by VALIDATE CONSTRAINT on its own, which holds only a
SHARE UPDATE EXCLUSIVE lock: reads and writes go on meanwhile. The new check allows all the
old one did, so validating cannot fail; a run cut short before VALIDATE leaves the check in
force for new rows, and the revision done again ends the same way. The name is kept: the
app and other tools know it.

The downgrade puts back the former check without reading the rows again (NOT VALID): a task
that already repeats on the last day keeps its rule, and the former app refuses only new ones.
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0027 = earlier_revision(__file__, "0027_month_weekdays.py")

_DAY = _0027._DAY
_MONTH = "(;BYMONTH=([1-9]|1[0-2]))?"
_MONTH_DAY = "([1-9]|[12][0-9]|3[01])"
# A placed weekday takes a day of the month only from 1 to 31, as before; plain weekdays, or
# none, take the last day too.
_DAYS = (
    f"(;BYDAY=-?[1-5]{_DAY}{_MONTH}(;BYMONTHDAY={_MONTH_DAY})?"
    f"|(;BYDAY={_DAY}(,{_DAY}){{0,6}})?{_MONTH}(;BYMONTHDAY=(-1|{_MONTH_DAY}))?)"
)
_SHAPE = (
    "char_length(repeat_rule) <= 200"
    " AND repeat_rule ~ ('^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;INTERVAL=[1-9][0-9]{0,2})?'\n"
    f" '{_DAYS}'\n"
    " '(;UNTIL=(19|[2-9][0-9])[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(T[0-9]{6}Z)?)?$')"
)


def upgrade() -> None:
    op.execute(
        "ALTER TABLE public.tasks DROP CONSTRAINT tasks_repeat_rule_shape,"
        f" ADD CONSTRAINT tasks_repeat_rule_shape CHECK ({_SHAPE}) NOT VALID"
    )
    # Commits what came before, so the exclusive lock of the change above ends here.
    with op.get_context().autocommit_block():
        op.execute("ALTER TABLE public.tasks VALIDATE CONSTRAINT tasks_repeat_rule_shape")


def downgrade() -> None:
    op.execute(
        "ALTER TABLE public.tasks DROP CONSTRAINT tasks_repeat_rule_shape,"
        f" ADD CONSTRAINT tasks_repeat_rule_shape CHECK ({_0027._shape(_0027._BYDAY)}) NOT VALID"
    )
