"""an "or" at either end of a search is still being typed

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

A search is made at every key typed. On the way to "milk or bread" the text is "milk or",
which the word syntax read as the words "milk" and "or", whole: nothing matched until the
last word came, and "or" alone looked for the word "or" rather than the letters. Now an "or"
first or last, beside other words, is left out until the other side comes, and "or" is the
word syntax only between two words; alone it is two letters, as any other two are. The
window reads the text by the same rule (core.search_terms).

The downgrade puts back revision 0012's todo_api.search_terms, with revision 0021's setting.
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0006 = earlier_revision(__file__, "0006_batch_edits.py")
_SIGNATURE = "todo_api.search_terms(text)"
_SETTINGS = "SET search_path = pg_catalog, pg_temp AS $$"
_EMPTY = """\
    IF cleaned = '' THEN
        RETURN;
    END IF;
"""
_SYNTAX = """IF cleaned !~* '(^|\\s)-|"|(^|\\s)or(\\s|$)' THEN"""


def search_terms() -> str:
    text = _0006._defined_in("0012_search_plans.sql", "todo_api.search_terms")
    assert text.count(_SETTINGS) == 1 and text.count(_EMPTY) == 1 and text.count(_SYNTAX) == 1
    dangling = (
        "    cleaned := regexp_replace(regexp_replace(cleaned, '^(or\\s+)+(?=\\S)', '', 'i'),"
        " '(\\S)(\\s+or)+$', '\\1', 'i');\n"
    )
    return (
        text.replace(_SETTINGS, "SET search_path = pg_catalog, pg_temp SET jit = off AS $$")
        .replace(_EMPTY, _EMPTY + dangling)
        .replace(_SYNTAX, """IF cleaned !~* '(^|\\s)-|"|\\sor\\s' THEN""")
    )


def upgrade() -> None:
    op.execute(search_terms())


def downgrade() -> None:
    op.execute(_0006._defined_in("0012_search_plans.sql", "todo_api.search_terms"))
    op.execute(f"ALTER FUNCTION {_SIGNATURE} SET jit = off")
