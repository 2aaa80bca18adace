"""list pages, changed-since and writes as static statements whose plans are cached

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Revision 0004 built each page and each changed-since poll as text and ran it with EXECUTE,
so every call was parsed and planned afresh: on a small page that costs more than reading
the rows. Here every list a person opens (open or completed tasks, any order, any filter,
first page or a later one) is one of six fixed statements, planned once per server
connection and reused. Without a cursor a page starts at the beginning of its index range
(a bound below every stored value), so the first page and page 1,000 share a statement and
both read one index range.

A cached plan is made without knowing whose list it reads, so it must not be a plan that is
only good for a short list: these functions plan generically with sorts, bitmap scans and
sequential scans disabled, which leaves the ordered walk of the list's keyset index, a plan
that reads about a page whatever the list's size. Under row-level security only conditions
made of leakproof operators on plain values may bound that walk, so the bounds are worked out
before the statement, and the title order reads a stored title_key column instead of
lower(title), a function that is not leakproof. Lists of open and completed tasks together
still go through the statement built per call (revision 0004's), since they need a sort.

Creating and completing tasks return their rows from the write itself (RETURNING) instead of
calling a second function that looked the session up again and read the rows back.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"

# The plan a cached statement must keep for any list size: an ordered index walk.
_ORDERED_WALK = (
    "SET plan_cache_mode = force_generic_plan "
    "SET enable_sort = off SET enable_bitmapscan = off SET enable_seqscan = off"
)
_NIL = "'00000000-0000-0000-0000-000000000000'::uuid"
_MAX_ID = "'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid"

_COLUMNS = (
    "t.id, t.title::text, t.description, t.completed, t.priority::text, t.due_date, t.created_at, "
    "t.updated_at, t.completed_at, t.title_key, t.priority_rank"
)
_TEXT = (
    "(p_pattern IS NULL OR t.title ILIKE p_pattern ESCAPE '\\' OR t.description ILIKE p_pattern ESCAPE '\\')"
)
_PRIORITIES = "(p_priorities IS NULL OR t.priority = ANY(p_priorities))"
# Outside the due order the due filters only filter; by due date they bound the range read.
_DUE_FILTERS = (
    "(p_due_after IS NULL OR t.due_date >= p_due_after)",
    "(p_due_before IS NULL OR t.due_date < p_due_before)",
    "(p_overdue_at IS NULL OR t.due_date < p_overdue_at)",
)
_NO_DUE_FILTER = "p_due_after IS NULL AND p_due_before IS NULL AND p_overdue_at IS NULL"

# Bounds of the range a page reads, worked out before the statement: under row-level
# security only a condition made of leakproof operators on plain values may bound an index
# scan (a coalesce() in it would leave the whole list to be read and filtered).
_BOUNDS = f"""
    me uuid := todo_api.signed_in_user();
    due_from timestamptz := coalesce(p_due_after, '-infinity');
    due_to timestamptz := least(coalesce(p_due_before, 'infinity'), coalesce(p_overdue_at, 'infinity'));
    -- By due date one row bound starts the range: the cursor, or the window's start when
    -- there is no cursor (or a cursor before the window). A second, separate lower bound on
    -- due_date could be the one the index scan starts from, walking every earlier row.
    from_window boolean := p_after_id IS NULL OR p_after_time IS NULL OR p_after_time < due_from;
    due_start timestamptz := CASE WHEN from_window THEN due_from ELSE p_after_time END;
    due_start_id uuid := CASE WHEN from_window THEN {_NIL} ELSE p_after_id END;
    up_time timestamptz := coalesce(p_after_time, '-infinity');
    up_id uuid := coalesce(p_after_id, {_NIL});
    up_text text := coalesce(p_after_text, '');
    down_time timestamptz := coalesce(p_after_time, 'infinity');
    down_id uuid := coalesce(p_after_id, {_MAX_ID});
    down_rank smallint := coalesce(p_after_rank, 32767);"""

# sort (or due part) -> (conditions, keyset condition, order). Without a cursor the keyset
# condition starts at the beginning of the range, so the first page and page 1,000 share
# one statement.
_PAGES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "dated": (
        ("t.due_date < due_to",),
        "(t.due_date, t.id) > (due_start, due_start_id)",
        "t.due_date, t.id",
    ),
    "undated": (
        ("t.due_date IS NULL", _NO_DUE_FILTER),
        "(t.created_at, t.id) > (up_time, up_id)",
        "t.created_at, t.id",
    ),
    "priority": (
        _DUE_FILTERS,
        "(t.priority_rank, t.created_at, t.id) < (down_rank, down_time, down_id)",
        "t.priority_rank DESC, t.created_at DESC, t.id DESC",
    ),
    "created": (_DUE_FILTERS, "(t.created_at, t.id) < (down_time, down_id)", "t.created_at DESC, t.id DESC"),
    "updated": (_DUE_FILTERS, "(t.updated_at, t.id) < (down_time, down_id)", "t.updated_at DESC, t.id DESC"),
    "title": (_DUE_FILTERS, "(t.title_key, t.id) > (up_text, up_id)", "t.title_key, t.id"),
}

_PAGE_ARGS = (
    "p_sort text, p_completed boolean, p_priorities text[], p_due_after timestamptz, "
    "p_due_before timestamptz, p_overdue_at timestamptz, p_pattern text, p_due_part text, "
    "p_after_id uuid, p_after_time timestamptz, p_after_rank smallint, p_after_text text, "
    "p_limit integer"
)
_PAGE_CALL = (
    "p_sort, p_completed, p_priorities, p_due_after, p_due_before, p_overdue_at, p_pattern, "
    "p_due_part, p_after_id, p_after_time, p_after_rank, p_after_text, p_limit"
)
_PAGE_TYPES = (
    "text, boolean, text[], timestamptz, timestamptz, timestamptz, text, text, uuid, timestamptz, "
    "smallint, text, integer"
)


def _page_statement(shape: str) -> str:
    conditions, keyset, order = _PAGES[shape]
    where = "\n           AND ".join(
        ("t.user_id = me", "t.completed = p_completed", *conditions, keyset, _PRIORITIES, _TEXT)
    )
    return (
        f"RETURN QUERY\n        SELECT {_COLUMNS}\n          FROM public.tasks t\n"
        f"         WHERE {where}\n         ORDER BY {order} LIMIT p_limit;"
    )


def _branch(shape: str) -> str:
    test = (
        f"p_sort = 'due' AND p_due_part = '{shape}'"
        if shape in ("dated", "undated")
        else f"p_sort = '{shape}'"
    )
    return f"    ELSIF {test} THEN\n        {_page_statement(shape)}\n"


def _page_built() -> str:
    """0004's page built per call, for the shapes that need a sort (open and completed tasks
    together, or a due order not split into its dated and undated runs), with undated tasks
    in order of creation. Called only from tasks_page, as todo_api_owner; sorts allowed."""
    text = _revision_0004_function("todo_api.tasks_page").replace(
        "todo_api.tasks_page(", "todo_api.tasks_page_built(", 1
    )
    undated = "        cursor_values := '{}';\n"
    assert undated in text and text.count("lower(title)") == 2
    text = text.replace(undated, "        keys := ARRAY['created_at'];\n").replace(
        "lower(title)", "title_key"
    )
    return f"""
{text}
ALTER FUNCTION todo_api.tasks_page_built({_PAGE_TYPES}) SECURITY INVOKER
    SET plan_cache_mode = auto SET enable_sort = on SET enable_bitmapscan = on SET enable_seqscan = on;
ALTER FUNCTION todo_api.tasks_page_built({_PAGE_TYPES}) OWNER TO todo_api_owner;
REVOKE ALL ON FUNCTION todo_api.tasks_page_built({_PAGE_TYPES}) FROM PUBLIC;
"""


def tasks_page() -> str:
    branches = "".join(_branch(shape) for shape in _PAGES)
    return rf"""
DROP FUNCTION todo_api.tasks_page({_PAGE_TYPES});
CREATE FUNCTION todo_api.tasks_page({_PAGE_ARGS})
RETURNS SETOF todo_api.task
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
{_ORDERED_WALK} AS $$
DECLARE{_BOUNDS}
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1001 THEN
        RAISE EXCEPTION 'page size must be 1 to 1001' USING ERRCODE = '22023';
    END IF;
    IF p_completed IS NULL OR (p_sort = 'due' AND p_due_part IS DISTINCT FROM 'dated'
                                AND p_due_part IS DISTINCT FROM 'undated') THEN
        RETURN QUERY SELECT * FROM todo_api.tasks_page_built({_PAGE_CALL});
{branches}    ELSE
        RAISE EXCEPTION 'unknown sort %', p_sort USING ERRCODE = '22023';
    END IF;
END
$$;
ALTER FUNCTION todo_api.tasks_page({_PAGE_TYPES}) OWNER TO todo_api_owner;
REVOKE ALL ON FUNCTION todo_api.tasks_page({_PAGE_TYPES}) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION todo_api.tasks_page({_PAGE_TYPES}) TO todo_app;
"""


# The title order reads this column: lower(title) is not leakproof, so under row-level
# security a condition on it cannot bound an index scan, and a later page of a list by title
# read every row before it.
# Tasks with no due date come in the order they were made, the same on every device (by
# id they jumped around as new ones arrived).
INDEXES = r"""
ALTER TABLE public.tasks ADD COLUMN title_key TEXT COLLATE "C";

-- What a title's key is when no app sent one (a direct insert, an older caller): accents
-- and case dropped with the server's own functions. The app's key (title_order.py) also
-- folds what lower() does not, such as "ß", and is what every todo_api call stores.
CREATE FUNCTION public.todo_title_key(p_title text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT lower(regexp_replace(normalize(p_title, NFKD),
                                '[̀-ͯ᪰-᫿᷀-᷿⃐-⃿︠-︯]', '', 'g'))
$$;
CREATE FUNCTION public.todo_fill_title_key() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.title_key IS NULL
       OR (TG_OP = 'UPDATE' AND NEW.title IS DISTINCT FROM OLD.title
           AND NEW.title_key IS NOT DISTINCT FROM OLD.title_key) THEN
        NEW.title_key := public.todo_title_key(NEW.title::text);
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.todo_title_key(text), public.todo_fill_title_key() FROM PUBLIC;

-- Filling the new column changes no task: no trigger may touch updated_at or the counters.
ALTER TABLE public.tasks DISABLE TRIGGER USER;
UPDATE public.tasks SET title_key = public.todo_title_key(title::text);
ALTER TABLE public.tasks ENABLE TRIGGER USER;
ALTER TABLE public.tasks ALTER COLUMN title_key SET NOT NULL;
CREATE TRIGGER tasks_title_key BEFORE INSERT OR UPDATE OF title, title_key ON public.tasks
    FOR EACH ROW EXECUTE FUNCTION public.todo_fill_title_key();
GRANT INSERT (title_key), UPDATE (title_key) ON public.tasks TO todo_api_owner;

DROP INDEX public.ix_tasks_keyset_title;
CREATE INDEX ix_tasks_keyset_title ON public.tasks (user_id, completed, title_key, id);
CREATE INDEX ix_tasks_keyset_undated ON public.tasks (user_id, completed, created_at, id)
    WHERE due_date IS NULL;
"""
INDEXES_DOWN = """
DROP INDEX public.ix_tasks_keyset_undated;
DROP TRIGGER tasks_title_key ON public.tasks;
ALTER TABLE public.tasks DROP COLUMN title_key;
DROP FUNCTION public.todo_fill_title_key();
DROP FUNCTION public.todo_title_key(text);
CREATE INDEX ix_tasks_keyset_title ON public.tasks (user_id, completed, lower(title), id);
"""


def upgrade() -> None:
    op.execute(INDEXES)
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute(_page_built())
    op.execute(tasks_page())
    op.execute((_SQL / "0005_cached_plans.sql").read_text(encoding="utf-8"))
    for name in ("create_task", "update_task", "restore_tasks"):
        op.execute(_owned_and_granted(f"todo_api.{name}"))
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")


def _revision_0004_function(name: str) -> str:
    """One function as revision 0004 defined it, as CREATE OR REPLACE (which also puts back
    its settings): the downgrade restores exactly that definition without a second copy."""
    text = (_SQL / "0004_api.sql").read_text(encoding="utf-8")
    start = text.index(f"CREATE FUNCTION {name}(")
    end = text.index("\n$$;\n", start) + len("\n$$;\n")
    return "CREATE OR REPLACE" + text[start + len("CREATE") : end]


def _owned_and_granted(name: str) -> str:
    """A todo_api function made again: owned by todo_api_owner, callable by clients only."""
    return f"""
DO $do$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.oid::regprocedure::text LIKE '{name}(%' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO todo_api_owner', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO todo_app', f);
    END LOOP;
END
$do$;
"""


def downgrade() -> None:
    op.execute(f"DROP FUNCTION todo_api.tasks_page({_PAGE_TYPES})")
    op.execute(f"DROP FUNCTION todo_api.tasks_page_built({_PAGE_TYPES})")
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute(_revision_0004_function("todo_api.tasks_page"))
    op.execute(f"ALTER FUNCTION todo_api.tasks_page({_PAGE_TYPES}) OWNER TO todo_api_owner")
    op.execute(f"REVOKE ALL ON FUNCTION todo_api.tasks_page({_PAGE_TYPES}) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION todo_api.tasks_page({_PAGE_TYPES}) TO todo_app")
    op.execute(
        "DROP FUNCTION todo_api.create_task(uuid, text, text, text, text, timestamptz, boolean);"
        "DROP FUNCTION todo_api.update_task(uuid, timestamptz, text[], text, text, text, text, timestamptz, "
        "boolean);"
        "DROP FUNCTION todo_api.restore_tasks(uuid[], text[], text[], text[], text[], timestamptz[], boolean[], "
        "timestamptz[], timestamptz[]);"
    )
    restored = ("changed_since", "create_task", "set_completed", "update_task", "restore_tasks")
    for name in restored:
        op.execute(_revision_0004_function(f"todo_api.{name}"))
    for name in ("create_task", "update_task", "restore_tasks"):
        op.execute(_owned_and_granted(f"todo_api.{name}"))
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")
    op.execute(INDEXES_DOWN)
