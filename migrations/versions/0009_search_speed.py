"""search at list speed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

The candidate function (sql/0009_search_speed.sql) returns with each candidate the columns a
list sorts and filters by, read in the same pass over the search index; the page built per
call (sql/0009_search_page.sql) sorts the candidates on them and reads only the rows it
shows. tasks_page passes them on; its text is otherwise revision 0008's.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"


_0008 = earlier_revision(__file__, "0008_search_privacy.py")
_BUILT_TYPES_0008 = _0008._BUILT_TYPES
_BUILT_TYPES = (
    f"{_BUILT_TYPES_0008}, boolean[], timestamptz[], timestamptz[], timestamptz[], smallint[], text[]"
)
_CANDIDATES = "todo_api.search_candidates(tsquery, text[], integer)"
_WORDS_NOW = (
    "public.todo_search_words_now(t.user_id, t.search_pending, t.search_words, t.title, t.description)"
)
# From this many tasks in one restore_tasks call (an import; an undo restores fewer), their
# search keys are made afterwards by todo_api.prepare_search.
_IMPORT_BATCH = 100


def tasks_page() -> str:
    """Revision 0008's tasks_page, handing the candidates' columns to the built page."""
    text = _replacing(_0008.tasks_page())
    swaps = (
        ("    candidates uuid[];\n", "    found record;\n    likes text[];\n"),
        (
            "        words := terms.words;\n",
            "        words := terms.words;\n        likes := public.todo_search_likes(words);\n",
        ),
        (
            "        candidates := todo_api.search_candidates(",
            "        SELECT * INTO found FROM todo_api.search_candidates(",
        ),
        (
            "        IF candidates IS NOT NULL OR p_sort = 'relevance' THEN",
            "        IF found.ids IS NOT NULL OR p_sort = 'relevance' THEN",
        ),
        (
            "tag, candidates, words, query, p_offset);",
            "tag, found.ids, words, query, p_offset,\n                found.done, found.due, found.created,"
            " found.updated, found.ranks, found.title_keys);",
        ),
    )
    for old, new in swaps:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    for old, new in (
        (
            "public.todo_search_contains(t.title, t.description, words)",
            "public.todo_search_like(t.title, t.description, likes)",
        ),
        ("t.search_words @@ query", f"{_WORDS_NOW} @@ query"),
    ):
        assert text.count(old) == 12, "every fixed statement checks the search"
        text = text.replace(old, new)
    return text


def restore_tasks() -> str:
    """Revision 0008's restore_tasks, leaving the search keys of an import for later."""
    text = _0008.restore_tasks()
    insert = "    INSERT INTO public.tasks (id, user_id,"
    conflict = "    ON CONFLICT (id) DO NOTHING;\n"
    assert text.count(insert) == 1 and text.count(conflict) == 1
    text = text.replace(
        insert,
        f"    PERFORM set_config('todo.search_later', CASE WHEN n >= {_IMPORT_BATCH} THEN 'on' ELSE '' END, true);\n"
        + insert,
    )
    return text.replace(conflict, conflict + "    PERFORM set_config('todo.search_later', '', true);\n")


def _touch_0001() -> str:
    text = earlier_revision(__file__, "0001_schema.py").UPGRADE
    start = text.index("CREATE FUNCTION todo_touch_row()")
    end = text.index("\n$$;\n", start) + len("\n$$;\n")
    return "CREATE OR REPLACE" + text[start + len("CREATE") : end]


def _replacing(definition: str) -> str:
    text = definition.lstrip()
    assert text.startswith("CREATE FUNCTION todo_api.tasks_page(")
    return "CREATE OR REPLACE" + text[len("CREATE") :]


def _candidates_0008() -> str:
    defined = _0008._0007._0006._defined_in("0008_search.sql", "todo_api.search_candidates")
    return (
        f"DROP FUNCTION {_CANDIDATES};\n"
        "GRANT CREATE ON SCHEMA todo_api TO todo_search_owner;\n"
        f"{defined}\n"
        f"ALTER FUNCTION {_CANDIDATES} OWNER TO todo_search_owner;\n"
        f"REVOKE ALL ON FUNCTION {_CANDIDATES} FROM PUBLIC;\n"
        f"GRANT EXECUTE ON FUNCTION {_CANDIDATES} TO todo_api_owner;\n"
        "REVOKE CREATE ON SCHEMA todo_api FROM todo_search_owner;\n"
        f"{_0008._0007._0006._defined_in('0008_search.sql', 'public.todo_search_contains')}\n"
        "DROP FUNCTION public.todo_search_like(text, text, text[]);\n"
        "DROP FUNCTION public.todo_search_likes(text[]);\n"
        "REVOKE SELECT (completed, due_date, created_at, updated_at, priority_rank, title_key)"
        " ON public.tasks FROM todo_search_owner;\n"
    )


def upgrade() -> None:
    # Only a role with CREATE on the schema may be given a function there; taken back below.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute((_SQL / "0009_search_speed.sql").read_text(encoding="utf-8"))
    op.execute(f"DROP FUNCTION todo_api.tasks_page_built({_BUILT_TYPES_0008})")
    op.execute((_SQL / "0009_search_page.sql").read_text(encoding="utf-8"))
    op.execute(_0008._owned(f"todo_api.tasks_page_built({_BUILT_TYPES})", granted=False))
    op.execute(tasks_page())
    op.execute(restore_tasks())
    op.execute(_0008._owned("todo_api.prepare_search(integer)", granted=True))
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")


def downgrade() -> None:
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute(f"DROP FUNCTION todo_api.tasks_page_built({_BUILT_TYPES})")
    op.execute((_SQL / "0008_search_page.sql").read_text(encoding="utf-8"))
    op.execute(_0008._owned(f"todo_api.tasks_page_built({_BUILT_TYPES_0008})", granted=False))
    op.execute(_candidates_0008())
    op.execute(_replacing(_0008.tasks_page()))
    op.execute(_0008.restore_tasks())
    op.execute("DROP FUNCTION todo_api.prepare_search(integer)")
    op.execute(_touch_0001())
    op.execute(_0008._0007._0006._defined_in("0008_search.sql", "public.todo_fill_search"))
    op.execute("DROP FUNCTION public.todo_search_words_now(uuid, boolean, tsvector, text, text)")
    op.execute(
        "REVOKE UPDATE (search_words, search_grams, search_pending) ON public.tasks FROM todo_api_owner"
    )
    op.execute("REVOKE SELECT (search_pending) ON public.tasks FROM todo_search_owner")
    # Tasks whose keys waited get them now, as 0008 keeps every task's keys.
    op.execute("ALTER TABLE public.tasks DISABLE TRIGGER USER")
    op.execute(
        "UPDATE public.tasks t SET search_words = public.todo_search_words(t.user_id, 'simple', t.title, t.description),"
        " search_grams = public.todo_search_grams(t.user_id, t.title, t.description) WHERE t.search_pending"
    )
    op.execute("ALTER TABLE public.tasks ENABLE TRIGGER USER")
    op.execute("ALTER TABLE public.tasks DROP COLUMN search_pending")
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")
