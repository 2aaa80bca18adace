"""a task is indexed by the pieces of its words only, each once

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06

A search cuts what was typed into words at white space (todo_api.search_terms) and asks for
three-letter pieces inside each word. A task was indexed by every three letters of its text,
so the pieces that span a space or a line break, which no search can ask for, and every
repeat, were stored and indexed too: about 37 pieces a task where 20 are asked for, 586 bytes
of a 917-byte row. The pieces are now those of each word, each once: the three letters that
hold no white space as the search's own split reads it (the regular expression's \\s on both
sides, so the two can never disagree). Cutting the text into words first cost four times as
much; this costs a little less than before.

Rows written before keep their pieces until their text changes: those are a superset of the
new ones, so every search finds them as before, and after a downgrade the new rows are found
too (revision 0008's searches ask for no other pieces). The downgrade puts back revision
0008's function.
"""

from collections.abc import Sequence

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0006 = earlier_revision(__file__, "0006_batch_edits.py")

# Plain SQL with no settings, as revision 0008's: the trigger and prepare_search inline it.
_PIECES = r"""
CREATE OR REPLACE FUNCTION public.todo_search_grams(p_user uuid, p_title text, p_notes text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN pg_catalog.length(coalesce(p_title, '')) + pg_catalog.length(coalesce(p_notes, '')) > 4000
            THEN ARRAY[k.tag || '*']
        ELSE ARRAY(SELECT DISTINCT k.tag || p.piece
                     FROM (VALUES (pg_catalog.lower(coalesce(p_title, ''))),
                                  (pg_catalog.lower(coalesce(p_notes, '')))) AS s(t),
                          pg_catalog.generate_series(1, pg_catalog.length(s.t) - 2) AS i,
                          LATERAL (SELECT pg_catalog.substr(s.t, i, 3) AS piece) AS p
                    WHERE p.piece !~ '\s')
    END
      FROM (SELECT public.todo_search_tag(p_user) AS tag) AS k
$$;
"""


def upgrade() -> None:
    op.execute(_PIECES)


def downgrade() -> None:
    op.execute(_0006._defined_in("0008_search.sql", "public.todo_search_grams"))
