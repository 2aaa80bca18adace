"""an apostrophe is found whichever one was typed

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07

Phones and word processors write "don’t" with a typographic apostrophe (U+2019), keyboards
write "don't". A search for one did not find the other, in either direction. Now the search
reads every apostrophe as the plain one (U+2019, U+2018, U+02BC and the full-width U+FF07
become U+0027), both in the text typed and in the text searched:

- todo_api.search_terms makes the typed text plain first. Its grams (the index keys it asks
  for) come from the pieces of each word between apostrophes, since a stored gram holds
  whichever apostrophe the task was written with.
- todo_search_likes makes the words plain too, and when a word has an apostrophe it puts the
  pattern '%' first. That pattern matches any text, so LIKE ALL means what it meant, and it
  tells todo_search_like to make the task's text plain before it compares. The others, every
  search without an apostrophe (almost all of them), compare as before, at the same cost per
  row: the walk of a long list checks thousands.

The stored keys are unchanged, so nothing is rewritten. The word syntax ("a phrase", -word)
already split words at either apostrophe.

The downgrade puts back revision 0026's search_terms and revision 0009's two pattern
functions.
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0006 = earlier_revision(__file__, "0006_batch_edits.py")
_0026 = earlier_revision(__file__, "0026_search_typing.py")

# The apostrophes read as U+0027, in SQL: translate(x, OTHERS, PLAIN).
_OTHERS = "'\u2019\u2018\u02bc\uff07'"
_PLAIN = "''''''''''"  # four U+0027, quoted
_WORDS = "FROM unnest(words) AS w, generate_series"
_PIECES = "FROM unnest(words) AS word, regexp_split_to_table(word, '''') AS w, generate_series"
_DANGLING = " '(\\S)(\\s+or)+$', '\\1', 'i');\n"

LIKES = f"""\
CREATE OR REPLACE FUNCTION public.todo_search_likes(p_words text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_catalog.bool_or(pg_catalog.strpos(w.word, '''') > 0) THEN ARRAY['%'] ELSE ARRAY[]::text[] END
           || coalesce(pg_catalog.array_agg('%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                  w.word, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'), '{{}}')
      FROM pg_catalog.unnest(p_words) AS p(typed),
           LATERAL (SELECT pg_catalog.translate(p.typed, {_OTHERS}, {_PLAIN}) AS word) AS w
$$;
"""
LIKE = f"""\
CREATE OR REPLACE FUNCTION public.todo_search_like(p_title text, p_notes text, p_likes text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_likes[1] = '%'
                THEN pg_catalog.translate(pg_catalog.lower(coalesce(p_title, '') || E'\\n' || coalesce(p_notes, '')),
                                          {_OTHERS}, {_PLAIN})
                ELSE pg_catalog.lower(coalesce(p_title, '') || E'\\n' || coalesce(p_notes, ''))
           END LIKE ALL (p_likes)
$$;
"""


def search_terms() -> str:
    text = _0026.search_terms()
    assert text.count(_WORDS) == 1 and text.count(_DANGLING) == 1
    plain = f"    cleaned := translate(cleaned, {_OTHERS}, {_PLAIN});\n"
    return text.replace(_DANGLING, _DANGLING + plain).replace(_WORDS, _PIECES)


def upgrade() -> None:
    op.execute(search_terms())
    op.execute(LIKES)
    op.execute(LIKE)


def downgrade() -> None:
    op.execute(_0026.search_terms())
    for name in ("public.todo_search_likes", "public.todo_search_like"):
        op.execute(_0006._defined_in("0009_search_speed.sql", name))
