"""The task statements: SQLAlchemy expressions over the ``todo_api`` functions, built once.

Each one also sets the session (``:token``) itself, so an operation is a single statement.

Clients have no privilege on any table; every read and write is a call of a
``todo_api`` function. Each statement here is built once, at import, and reused with
bound parameters, so SQLAlchemy compiles it once and its cache serves every later call
(building a statement per call would cost more than the query). Result columns carry no
SQLAlchemy types, so rows come back as psycopg made them, with no conversion on top.
Every function name is schema-qualified: nothing a session leaves on a pooled server
connection can stand in for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    DateTime,
    Integer,
    Select,
    SmallInteger,
    Text,
    Uuid,
    bindparam,
    case,
    cast,
    func,
    null,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import Cast, ColumnElement
from sqlalchemy.sql.functions import Function
from sqlalchemy.types import TypeEngine

from todo_desktop.core.values import Priority, Task

# The attributes of the composite type todo_api.task (a test keeps them equal).
TASK_COLUMNS = (
    "id",
    "title",
    "description",
    "completed",
    "priority",
    "due_date",
    "created_at",
    "updated_at",
    "completed_at",
    "title_key",
    "priority_rank",
    "tags",
    "repeat_rule",
    "repeat_after_completion",
)
# todo_api.task_edit: a task with its outcome in front.
EDIT_COLUMNS = ("outcome", *TASK_COLUMNS)
UPDATABLE = ("title", "description", "priority", "due_date", "completed")
_PRIORITY = {p.value: p for p in Priority}
_TIME = DateTime(timezone=True)


def task_from_tuple(row: Sequence[object]) -> Task:
    tags = row[11]
    return Task(
        id=row[0],  # type: ignore[arg-type]
        title=row[1],  # type: ignore[arg-type]
        description=row[2],  # type: ignore[arg-type]
        completed=row[3],  # type: ignore[arg-type]
        priority=_PRIORITY[row[4]],  # type: ignore[index]
        due_date=row[5],  # type: ignore[arg-type]
        created_at=row[6],  # type: ignore[arg-type]
        updated_at=row[7],  # type: ignore[arg-type]
        completed_at=row[8],  # type: ignore[arg-type]
        tags=tuple(tags) if tags else (),  # type: ignore[arg-type]
        repeat=row[12],  # type: ignore[arg-type]
        repeat_after_completion=bool(row[13]),
    )


def _p(name: str, type_: TypeEngine[Any]) -> Cast[Any]:
    # Typed explicitly: function resolution must not depend on how the driver types a value
    # (a Python int may travel as bigint, which does not cast to smallint implicitly).
    return cast(bindparam(name), type_)


def _in_session(first: ColumnElement[Any]) -> ColumnElement[Any]:
    """``first``, evaluated only after ``set_config('todo.session_token', :token, true)``.

    A function's arguments are all evaluated before its body runs, and set_config is
    volatile, so it is never folded away: the call finds its session already set, and a
    read needs no statement of its own for that (see ``Database.call``). Bound, so the
    token never shows in ``pg_stat_activity``; transaction-local, so it never outlives
    the statement's transaction on a pooled connection.
    """
    session = func.set_config("todo.session_token", bindparam("token"), True)
    return case((session.is_(None), null()), else_=first)


def _rows_of(call: Function[Any], columns: tuple[str, ...]) -> Select[Any]:
    return select(call.table_valued(*columns))


# One keyset page; see todo_api.tasks_page. Cursor columns: title_key, priority_rank.
PAGE = _rows_of(
    func.todo_api.tasks_page(
        _in_session(_p("sort", Text())),
        _p("completed", Boolean()),
        _p("priorities", ARRAY(Text())),
        _p("due_after", _TIME),
        _p("due_before", _TIME),
        _p("overdue_at", _TIME),
        _p("pattern", Text()),
        _p("due_part", Text()),
        _p("after_id", Uuid()),
        _p("after_time", _TIME),
        _p("after_rank", SmallInteger()),
        _p("after_text", Text()),
        _p("limit", Integer()),
        _p("tag_key", Text()),
        _p("search", Text()),
        _p("offset", Integer()),
    ),
    TASK_COLUMNS,
)

COUNTS = select(
    func.todo_api.task_counts(
        _in_session(_p("now", _TIME)), _p("today", _TIME), _p("tomorrow", _TIME), _p("upcoming_end", _TIME)
    ).table_valued(
        "open_tasks",
        "completed_tasks",
        "open_low",
        "open_medium",
        "open_high",
        "open_urgent",
        "due_today",
        "upcoming",
        "overdue",
    )
)

GET = _rows_of(func.todo_api.get_tasks(_in_session(_p("ids", ARRAY(Uuid())))), TASK_COLUMNS)

CREATE = _rows_of(
    func.todo_api.create_task(
        _in_session(_p("id", Uuid())),
        _p("title", Text()),
        _p("title_key", Text()),
        _p("description", Text()),
        _p("priority", Text()),
        _p("due_date", _TIME),
        _p("completed", Boolean()),
        _p("tag_names", ARRAY(Text())),
        _p("tag_keys", ARRAY(Text())),
        _p("repeat", Text()),
        _p("after_completion", Boolean()),
    ),
    TASK_COLUMNS,
)

# One task's edit: ``columns`` names the fields it sets (ONE_TASK_FIELDS).
UPDATE = _rows_of(
    func.todo_api.update_task(
        _in_session(_p("id", Uuid())),
        _p("expected", _TIME),
        _p("columns", ARRAY(Text())),
        _p("title", Text()),
        _p("title_key", Text()),
        _p("description", Text()),
        _p("priority", Text()),
        _p("due_date", _TIME),
        _p("completed", Boolean()),
        _p("tag_names", ARRAY(Text())),
        _p("tag_keys", ARRAY(Text())),
        _p("repeat", Text()),
        _p("after_completion", Boolean()),
    ),
    EDIT_COLUMNS,
)
ONE_TASK_FIELDS = (*UPDATABLE, "tags", "repeat", "repeat_after_completion")

# A batch: arrays of one value per task (see todo_api.update_tasks); FIELDS are the bits of
# the fields each task sets.
UPDATE_MANY = _rows_of(
    func.todo_api.update_tasks(
        _in_session(_p("ids", ARRAY(Uuid()))),
        _p("versions", ARRAY(_TIME)),
        _p("fields", ARRAY(Integer())),
        _p("titles", ARRAY(Text())),
        _p("title_keys", ARRAY(Text())),
        _p("descriptions", ARRAY(Text())),
        _p("priorities", ARRAY(Text())),
        _p("dues", ARRAY(_TIME)),
        _p("completed", ARRAY(Boolean())),
        _p("tag_counts", ARRAY(Integer())),
        _p("tag_names", ARRAY(Text())),
        _p("tag_keys", ARRAY(Text())),
        _p("repeats", ARRAY(Text())),
        _p("after_completion", ARRAY(Boolean())),
        _p("next_ids", ARRAY(Uuid())),
        _p("next_dues", ARRAY(_TIME)),
    ),
    EDIT_COLUMNS,
)
FIELDS = {
    "title": 1,
    "description": 2,
    "priority": 4,
    "due_date": 8,
    "completed": 16,
    "tags": 32,
    "repeat": 64,
    "repeat_after_completion": 128,
}

DELETE = _rows_of(
    func.todo_api.delete_tasks(_in_session(_p("ids", ARRAY(Uuid()))), _p("versions", ARRAY(_TIME))),
    EDIT_COLUMNS,
)


def _snapshot_arrays() -> tuple[ColumnElement[Any], ...]:
    """The arrays of restore_tasks and import_tasks: one value per task, tags flattened."""
    return (
        _in_session(_p("ids", ARRAY(Uuid()))),
        _p("titles", ARRAY(Text())),
        _p("title_keys", ARRAY(Text())),
        _p("descriptions", ARRAY(Text())),
        _p("priorities", ARRAY(Text())),
        _p("dues", ARRAY(_TIME)),
        _p("completed", ARRAY(Boolean())),
        _p("created", ARRAY(_TIME)),
        _p("completed_at", ARRAY(_TIME)),
        _p("tag_counts", ARRAY(Integer())),
        _p("tag_names", ARRAY(Text())),
        _p("tag_keys", ARRAY(Text())),
        _p("repeats", ARRAY(Text())),
        _p("after_completion", ARRAY(Boolean())),
    )


RESTORE = _rows_of(func.todo_api.restore_tasks(*_snapshot_arrays()), TASK_COLUMNS)
# An import's batch, one JSON array (see sql/0011_import_speed.sql): how many tasks it added,
# and the ids another account holds; no rows read back.
IMPORT = _rows_of(
    func.todo_api.import_tasks(_in_session(cast(bindparam("tasks", type_=Text()), postgresql.JSON()))),
    ("added", "taken"),
)

# Other devices' changes, in commit order: see sql/0034_change_cursor.sql and change_cursors.
CHANGE_CURSOR = select(_in_session(func.todo_api.change_cursor()))


def _since(function: Any) -> Function[Any]:
    return function(
        _in_session(_p("cursor", BigInteger())),
        _p("after", BigInteger()),
        _p("after_id", Uuid()),
        _p("limit", Integer()),
    )


CHANGED_SINCE = _rows_of(_since(func.todo_api.changed_since), (*TASK_COLUMNS, "change"))
REMOVED_SINCE = _rows_of(_since(func.todo_api.removed_since), ("task_id", "removed_at", "change"))

# Tags: see todo_api.tags, rename_tag, delete_tag and restore_tag. Keys are the tags' folded
# forms (validation.tag_key), which the database compares.
TAGS = select(func.todo_api.tags(_in_session(_p("limit", Integer()))).table_valued("name", "open_count"))

RENAME_TAG = select(
    func.todo_api.rename_tag(
        _in_session(_p("old_key", Text())), _p("new_name", Text()), _p("new_key", Text())
    )
)

DELETE_TAG = select(func.todo_api.delete_tag(_in_session(_p("key", Text()))).table_valued("name", "task_ids"))

RESTORE_TAG = select(
    func.todo_api.restore_tag(_in_session(_p("name", Text())), _p("key", Text()), _p("ids", ARRAY(Uuid())))
)

# Search keys an import left for later; how many it made (fewer than asked: none wait).
PREPARE_SEARCH = select(func.todo_api.prepare_search(_in_session(_p("limit", Integer()))))
