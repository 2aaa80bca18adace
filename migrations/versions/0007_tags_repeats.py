"""tags and repeating tasks: tables, a tag filter on every list, and the next occurrence

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-12

Tags are rows of public.tags (one per person and case-insensitive name, kept until deleted);
each task names its own in tasks.tags, and public.task_tags, kept from it by a trigger, holds
one row per task and tag with copies of the task's sort keys. Both new tables have row-level
security FORCEd with the tasks' policies, no privilege for clients, and per-person limits (tags
per person, tags per task, 64 characters a name). Tasks gain repeat_rule (an RRULE of the
subset the app writes, checked here) and repeat_after_completion.

tasks_page takes a tag (its key) as a last argument. A list filtered by tag is, like any other,
one of a few fixed statements planned once per server connection: six more, one per order, each
walking a task_tags index that leads with the tag and follows the list's order, so a page of a
tag with 50,000 tasks reads a page of rows, as one of a tag with 5 does. Completing a repeating
task creates its next occurrence inside update_tasks, exactly once (see sql/0007_edits.sql).
Every function that returns tasks returns their tags, as an array in the order given, and
their repeat.
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

from todo_desktop.db.schema.revisions import earlier_revision

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQL = Path(__file__).resolve().parent.parent / "sql"


_0005 = earlier_revision(__file__, "0005_cached_plans.py")
_0006 = earlier_revision(__file__, "0006_batch_edits.py")

_PAGE_TYPES_0005 = _0005._PAGE_TYPES
_PAGE_TYPES = f"{_PAGE_TYPES_0005}, text"
_BUILT_TYPES = f"{_PAGE_TYPES_0005}, uuid"
_COLUMNS = f"{_0005._COLUMNS}, t.tags, t.repeat_rule, t.repeat_after_completion"
_UPDATE_TYPES = f"{_0006._UPDATE_TYPES}, integer[], text[], text[], text[], boolean[], uuid[], timestamptz[]"
_RESTORE_TYPES = f"{_0006._RESTORE_TYPES}, integer[], text[], text[], text[], boolean[]"
_CREATE_TYPES = "uuid, text, text, text, text, timestamptz, boolean, text[], text[], text, boolean"
_UPDATE_ONE_0005 = "uuid, timestamptz, text[], text, text, text, text, timestamptz, boolean"
_UPDATE_ONE_TYPES = f"{_UPDATE_ONE_0005}, text[], text[], text, boolean"

# The calls clients make: owned by todo_api_owner, granted to todo_app only.
_API = (
    f"todo_api.tasks_page({_PAGE_TYPES})",
    "todo_api.get_tasks(uuid[])",
    "todo_api.changed_since(timestamptz, integer)",
    f"todo_api.create_task({_CREATE_TYPES})",
    f"todo_api.update_tasks({_UPDATE_TYPES})",
    f"todo_api.update_task({_UPDATE_ONE_TYPES})",
    "todo_api.delete_tasks(uuid[], timestamptz[])",
    f"todo_api.restore_tasks({_RESTORE_TYPES})",
    "todo_api.tags(integer)",
    "todo_api.rename_tag(text, text, text)",
    "todo_api.delete_tag(text)",
    "todo_api.restore_tag(text, text, uuid[])",
)
# Called only from inside those functions, as their owner: no client may call them.
_HELPERS = (
    f"todo_api.tasks_page_built({_BUILT_TYPES})",
    "todo_api.check_tags(integer[], text[], text[])",
    "todo_api.save_tags(uuid, text[], text[])",
    "todo_api.canonical_tags(uuid, text[])",
    "todo_api.each_once(text[])",
)


def _tagged(text: str) -> str:
    """A condition or order on the task's sort keys, read from its task_tags row instead."""
    return text.replace("t.id", "x.task_id").replace("t.", "x.")


def _statement(shape: str, *, tagged: bool) -> str:
    conditions, keyset, order = _0005._PAGES[shape]
    if tagged:
        source = "public.task_tags x JOIN public.tasks t ON t.id = x.task_id"
        first = ("x.tag_id = tag", "x.completed = p_completed", "x.user_id = me", "t.user_id = me")
        conditions, keyset, order = tuple(map(_tagged, conditions)), _tagged(keyset), _tagged(order)
    else:
        source = "public.tasks t"
        first = ("t.user_id = me", "t.completed = p_completed")
    where = "\n           AND ".join((*first, *conditions, keyset, _0005._PRIORITIES, _0005._TEXT))
    return (
        f"RETURN QUERY\n        SELECT {_COLUMNS}\n          FROM {source}\n"
        f"         WHERE {where}\n         ORDER BY {order} LIMIT p_limit;"
    )


def _branch(shape: str, *, tagged: bool) -> str:
    test = (
        f"p_sort = 'due' AND p_due_part = '{shape}'"
        if shape in ("dated", "undated")
        else f"p_sort = '{shape}'"
    )
    which = "tag IS NOT NULL" if tagged else "tag IS NULL"
    return f"    ELSIF {which} AND {test} THEN\n        {_statement(shape, tagged=tagged)}\n"


def tasks_page() -> str:
    """Revision 0005's tasks_page with a tag: twelve fixed statements, each planned once per
    server connection and walking one index in the list's order (see that revision)."""
    branches = "".join(_branch(s, tagged=t) for t in (True, False) for s in _0005._PAGES)
    return rf"""
DROP FUNCTION todo_api.tasks_page({_PAGE_TYPES_0005});
CREATE FUNCTION todo_api.tasks_page({_0005._PAGE_ARGS}, p_tag_key text DEFAULT NULL)
RETURNS SETOF todo_api.task
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
{_0005._ORDERED_WALK} AS $$
DECLARE{_0005._BOUNDS}
    tag uuid;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1001 THEN
        RAISE EXCEPTION 'page size must be 1 to 1001' USING ERRCODE = '22023';
    END IF;
    IF p_tag_key IS NOT NULL THEN
        -- Only the caller's tags are looked at: another person's tag is no tag at all.
        SELECT g.id INTO tag FROM public.tags g WHERE g.user_id = me AND g.name_key = p_tag_key;
        IF tag IS NULL THEN
            RETURN;
        END IF;
    END IF;
    IF p_completed IS NULL OR (p_sort = 'due' AND p_due_part IS DISTINCT FROM 'dated'
                                AND p_due_part IS DISTINCT FROM 'undated') THEN
        RETURN QUERY SELECT * FROM todo_api.tasks_page_built({_0005._PAGE_CALL}, tag);
{branches}    ELSE
        RAISE EXCEPTION 'unknown sort %', p_sort USING ERRCODE = '22023';
    END IF;
END
$$;
"""


def _owned(signature: str, *, granted: bool) -> str:
    grant = f"GRANT EXECUTE ON FUNCTION {signature} TO todo_app;\n" if granted else ""
    return (
        f"ALTER FUNCTION {signature} OWNER TO todo_api_owner;\n"
        f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC;\n{grant}"
    )


def upgrade() -> None:
    op.execute((_SQL / "0007_tags_repeats.sql").read_text(encoding="utf-8"))
    # Only a role with CREATE on the schema may be given a function there; taken back below.
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute((_SQL / "0007_task_api.sql").read_text(encoding="utf-8"))
    op.execute((_SQL / "0007_edits.sql").read_text(encoding="utf-8"))
    op.execute(tasks_page())
    for signature in _HELPERS:
        op.execute(_owned(signature, granted=False))
    for signature in _API:
        op.execute(_owned(signature, granted=True))
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")


DOWNGRADE = """
DROP FUNCTION todo_api.tags(integer);
DROP FUNCTION todo_api.rename_tag(text, text, text);
DROP FUNCTION todo_api.delete_tag(text);
DROP FUNCTION todo_api.restore_tag(text, text, uuid[]);
DROP FUNCTION todo_api.each_once(text[]);
DROP TRIGGER tasks_tags_insert ON public.tasks;
DROP TRIGGER tasks_tags_update ON public.tasks;
DROP FUNCTION public.todo_task_tags_sync();
DROP TABLE public.task_tags;
DROP TABLE public.tags;
ALTER TABLE public.tasks DROP COLUMN tags, DROP COLUMN repeat_rule, DROP COLUMN repeat_after_completion;
ALTER TABLE todo_auth.settings DROP COLUMN max_tags_per_user, DROP COLUMN max_tags_per_task;
ALTER TYPE todo_api.task
    DROP ATTRIBUTE tags, DROP ATTRIBUTE repeat_rule, DROP ATTRIBUTE repeat_after_completion;
ALTER TYPE todo_api.task_edit
    DROP ATTRIBUTE title_key, DROP ATTRIBUTE priority_rank, DROP ATTRIBUTE tags, DROP ATTRIBUTE repeat_rule,
    DROP ATTRIBUTE repeat_after_completion;
-- The stored text without the tags' names, as revision 0004 counts it.
UPDATE public.task_counts c SET text_bytes = coalesce(s.bytes, 0)
  FROM public.users u
  LEFT JOIN (SELECT user_id, sum(octet_length(title) + coalesce(octet_length(description), 0)) AS bytes
               FROM public.tasks GROUP BY user_id) s ON s.user_id = u.id
 WHERE c.user_id = u.id;
"""


def _title_key_trigger_0005() -> str:
    """public.todo_fill_title_key as revision 0005 made it (in its Python text)."""
    text = _0005.INDEXES
    start = text.index("CREATE FUNCTION public.todo_fill_title_key(")
    end = text.index("\n$$;\n", start) + len("\n$$;\n")
    return "CREATE OR REPLACE" + text[start + len("CREATE") : end]


def downgrade() -> None:
    defined_in = _0006._defined_in
    op.execute(f"DROP FUNCTION todo_api.tasks_page({_PAGE_TYPES})")
    op.execute(f"DROP FUNCTION todo_api.tasks_page_built({_BUILT_TYPES})")
    op.execute(f"DROP FUNCTION todo_api.create_task({_CREATE_TYPES})")
    op.execute(f"DROP FUNCTION todo_api.update_task({_UPDATE_ONE_TYPES})")
    op.execute(f"DROP FUNCTION todo_api.update_tasks({_UPDATE_TYPES})")
    op.execute(f"DROP FUNCTION todo_api.restore_tasks({_RESTORE_TYPES})")
    for helper in _HELPERS[1:4]:
        op.execute(f"DROP FUNCTION {helper}")
    op.execute(DOWNGRADE)
    op.execute(defined_in("0004_quotas.sql", "public.todo_task_usage_track"))
    op.execute(_title_key_trigger_0005())
    op.execute("REVOKE ALL ON FUNCTION public.todo_title_key(text) FROM todo_api_owner")
    op.execute("DROP FUNCTION public.todo_task_text_bytes(public.tasks)")
    op.execute("GRANT CREATE ON SCHEMA todo_api TO todo_api_owner")
    op.execute(_0005._page_built())
    # 0005's own text begins by dropping the tasks_page it replaced; that one is gone already.
    op.execute(_0005.tasks_page().replace(f"DROP FUNCTION todo_api.tasks_page({_PAGE_TYPES_0005});", "", 1))
    for name, file in (
        ("todo_api.get_tasks", "0004_api.sql"),
        ("todo_api.changed_since", "0005_cached_plans.sql"),
        ("todo_api.create_task", "0005_cached_plans.sql"),
        ("todo_api.update_task", "0005_cached_plans.sql"),
        ("todo_api.update_tasks", "0006_batch_edits.sql"),
        ("todo_api.delete_tasks", "0006_batch_edits.sql"),
        ("todo_api.restore_tasks", "0006_batch_edits.sql"),
    ):
        op.execute(defined_in(file, name))
    for signature in (
        "todo_api.get_tasks(uuid[])",
        "todo_api.changed_since(timestamptz, integer)",
        "todo_api.create_task(uuid, text, text, text, text, timestamptz, boolean)",
        f"todo_api.update_task({_UPDATE_ONE_0005})",
        f"todo_api.update_tasks({_0006._UPDATE_TYPES})",
        "todo_api.delete_tasks(uuid[], timestamptz[])",
        f"todo_api.restore_tasks({_0006._RESTORE_TYPES})",
    ):
        op.execute(_owned(signature, granted=True))
    op.execute("REVOKE CREATE ON SCHEMA todo_api FROM todo_api_owner")
