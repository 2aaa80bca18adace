"""a task may repeat on a weekday's place in the month: the second Monday, the last Friday

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07

"Every 2nd Monday" was read as the 2nd of each month, for want of a rule to say it. A rule
may now give its one weekday a place in the month (BYDAY=2MO, BYDAY=-1FR: the last), in a
monthly rule, or a yearly one's month (the fourth Thursday of November); every other rule
stays as it was. The check on the rule's shape says so.

The downgrade puts back the former check without reading the rows again (NOT VALID): a task
that already repeats this way keeps its rule, and the former app refuses only new ones.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DAY = "(MO|TU|WE|TH|FR|SA|SU)"
_BYDAY_0007 = f"(;BYDAY={_DAY}(,{_DAY}){{0,6}})?"
_BYDAY = f"(;BYDAY=(-?[1-5]{_DAY}|{_DAY}(,{_DAY}){{0,6}}))?"


def _shape(by_day: str) -> str:
    """Revision 0007's check on the rule's shape, with ``by_day`` for its days (the pieces of
    one literal each on a line of its own, which is how SQL joins them)."""
    return (
        "char_length(repeat_rule) <= 200"
        " AND repeat_rule ~ ('^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;INTERVAL=[1-9][0-9]{0,2})?'\n"
        f" '{by_day}'\n"
        " '(;BYMONTH=([1-9]|1[0-2]))?(;BYMONTHDAY=([1-9]|[12][0-9]|3[01]))?'\n"
        " '(;UNTIL=(19|[2-9][0-9])[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])(T[0-9]{6}Z)?)?$')"
    )


def upgrade() -> None:
    op.execute(
        "ALTER TABLE public.tasks DROP CONSTRAINT tasks_repeat_rule_shape,"
        f" ADD CONSTRAINT tasks_repeat_rule_shape CHECK ({_shape(_BYDAY)})"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE public.tasks DROP CONSTRAINT tasks_repeat_rule_shape,"
        f" ADD CONSTRAINT tasks_repeat_rule_shape CHECK ({_shape(_BYDAY_0007)}) NOT VALID"
    )
