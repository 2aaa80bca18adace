"""search that scales, and a person's rights over their data

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-19

Search (sql/0008_search.sql): words through full-text search and parts of words through
three-letter pieces, both in GIN indexes whose keys carry their owner, read by one function
that returns only the signed-in person's candidates. tasks_page takes the search text
(p_search) and, for the relevance order, an offset: a search whose candidates are few reads
them and sorts them (the page built per call); one whose matches are many walks the list's
index as any other list does, where matches are dense enough to fill a page quickly.
Privacy (sql/0008_privacy.sql): everything a person may take away about themselves, and
deleting an account with nothing left behind but a pseudonymous audit record. Each file has a
``_down`` file that undoes it.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"
_PARTS = ("0008_search", "0008_privacy")


_0005 = earlier_revision(__file__, "0005_cached_plans.py")
_0007 = earlier_revision(__file__, "0007_tags_repeats.py")

_PAGE_TYPES_0007 = _0007._PAGE_TYPES
_PAGE_TYPES = f"{_PAGE_TYPES_0007}, text, integer"
_BUILT_TYPES_0007 = _0007._BUILT_TYPES
_BUILT_TYPES = f"{_BUILT_TYPES_0007}, uuid[], text[], tsquery, integer"
# Within a fixed statement's walk: the search's own check (p_search NULL: every row).
_SEARCHED = (
    "(p_search IS NULL OR (words IS NOT NULL AND public.todo_search_contains(t.title, t.description, words))"
    " OR (words IS NULL AND query IS NOT NULL AND t.search_words @@ query))"
)
# Candidates beyond these counts are not sorted: the list's walk finds them faster.
_LIST_CANDIDATES = 1000
_RANKED_CANDIDATES = 5000
_SEARCH = f"""
    IF p_search IS NOT NULL THEN
        SELECT * INTO terms FROM todo_api.search_terms(p_search);
        words := terms.words;
        IF terms.query IS NOT NULL AND numnode(terms.query) > 0 THEN
            query := public.todo_search_query(me, terms.query);
        END IF;
        IF words IS NULL AND query IS NULL THEN
            RETURN;  -- nothing in the text that could match
        END IF;
        -- Plain words are found where they appear; the word syntax by whole words.
        candidates := todo_api.search_candidates(
            CASE WHEN words IS NULL THEN terms.query END, terms.grams,
            CASE WHEN p_sort = 'relevance' THEN {_RANKED_CANDIDATES} ELSE {_LIST_CANDIDATES} END);
        IF candidates IS NOT NULL OR p_sort = 'relevance' THEN
            RETURN QUERY SELECT * FROM todo_api.tasks_page_built(
                {_0005._PAGE_CALL}, tag, candidates, words, query, p_offset);
            RETURN;
        END IF;
    END IF;
"""


_BOTH = """    IF p_due_part = 'both' THEN
        IF p_sort IS DISTINCT FROM 'due' OR p_after_id IS NOT NULL THEN
            RAISE EXCEPTION 'both runs are read only by due date, from the start' USING ERRCODE = '22023';
        END IF;
        part := 'dated';
    END IF;
"""
_NEXT_RUN = """        GET DIAGNOSTICS got = ROW_COUNT;
        EXIT WHEN p_due_part IS DISTINCT FROM 'both' OR part = 'undated' OR got >= remaining;
        remaining := remaining - got;
        part := 'undated';
    END LOOP;
"""


def tasks_page() -> str:
    """Revision 0007's tasks_page, searching, and reading both runs of the due order in one
    call (p_due_part 'both', from the start of the list): see the module's text."""
    text = _0007.tasks_page().replace(f"DROP FUNCTION todo_api.tasks_page({_0005._PAGE_TYPES});", "", 1)
    text = text.replace(
        "p_tag_key text DEFAULT NULL)",
        "p_tag_key text DEFAULT NULL, p_search text DEFAULT NULL, p_offset integer DEFAULT NULL)",
        1,
    )
    text = text.replace(
        "    tag uuid;\nBEGIN",
        "    tag uuid;\n    terms record;\n    words text[];\n    query tsquery;\n    candidates uuid[];\n"
        "    part text := p_due_part;\n    remaining integer := p_limit;\n    got integer;\nBEGIN",
        1,
    )
    text = text.replace(f"{_0005._TEXT}\n", f"{_0005._TEXT}\n           AND {_SEARCHED}\n")
    assert text.count(_SEARCHED) == 12, "every fixed statement checks the search"
    built = f"tasks_page_built({_0005._PAGE_CALL}, tag);"
    assert built in text
    text = text.replace(built, f"tasks_page_built({_0005._PAGE_CALL}, tag, NULL, words, query, p_offset);")
    dispatch = "    IF p_completed IS NULL OR (p_sort = 'due'"
    start = text.index(dispatch)
    end = text.index("    END IF;\nEND\n$$;", start) + len("    END IF;\n")
    body = text[start:end]
    looped = body.replace("p_due_part", "part").replace("p_limit", "remaining")
    looped = "".join(f"    {line}" if line.strip() else line for line in looped.splitlines(keepends=True))
    return text[:start] + _SEARCH + _BOTH + "    LOOP\n" + looped + _NEXT_RUN + text[end:]


def _owned(signature: str, *, granted: bool) -> str:
    grant = f"GRANT EXECUTE ON FUNCTION {signature} TO todo_app;\n" if granted else ""
    return (
        f"ALTER FUNCTION {signature} OWNER TO todo_api_owner;\n"
        f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC;\n{grant}"
    )


def restore_tasks() -> str:
    """Revision 0007's restore_tasks, passing over the caller's tasks that exist already
    before they are inserted: ON CONFLICT decides only after every BEFORE trigger has run,
    so importing a file again would compute every task's search keys for nothing."""
    text = _0007._0006._defined_in("0007_task_api.sql", "todo_api.restore_tasks")
    conflict = "    ON CONFLICT (id) DO NOTHING;"
    assert text.count(conflict) == 1
    return text.replace(
        conflict,
        "     WHERE NOT EXISTS (SELECT 1 FROM public.tasks x WHERE x.id = r.id)\n" + conflict,
    )


def _run(name: str) -> None:
    op.execute((_SQL / f"{name}.sql").read_text(encoding="utf-8"))


def upgrade() -> None:
    # Only a role with CREATE on the schema may be given a function there; taken back below.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    for part in _PARTS:
        _run(part)
    op.execute(f"DROP FUNCTION todo_api.tasks_page({_PAGE_TYPES_0007})")
    op.execute(f"DROP FUNCTION todo_api.tasks_page_built({_BUILT_TYPES_0007})")
    op.execute((_SQL / "0008_search_page.sql").read_text(encoding="utf-8"))
    op.execute(tasks_page())
    op.execute(restore_tasks())
    op.execute(_owned(f"todo_api.tasks_page_built({_BUILT_TYPES})", granted=False))
    op.execute(_owned("todo_api.search_terms(text)", granted=False))
    op.execute(_owned(f"todo_api.tasks_page({_PAGE_TYPES})", granted=True))
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION todo_api.tasks_page({_PAGE_TYPES})")
    op.execute(f"DROP FUNCTION todo_api.tasks_page_built({_BUILT_TYPES})")
    for part in reversed(_PARTS):
        _run(f"{part}_down")
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute(_0007._0006._defined_in("0007_edits.sql", "todo_api.tasks_page_built"))
    op.execute(_0007._0006._defined_in("0007_task_api.sql", "todo_api.restore_tasks"))
    op.execute(_0007.tasks_page().replace(f"DROP FUNCTION todo_api.tasks_page({_0005._PAGE_TYPES});", "", 1))
    op.execute(_owned(f"todo_api.tasks_page_built({_BUILT_TYPES_0007})", granted=False))
    op.execute(_owned(f"todo_api.tasks_page({_PAGE_TYPES_0007})", granted=True))
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")
