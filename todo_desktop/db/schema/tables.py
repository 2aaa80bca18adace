"""SQLModel descriptions of the tables and of the rows the todo_api functions return.

The migrations own the DDL (they carry RLS, triggers and functions that models cannot
express); these classes describe the same columns for typing and review, and tests check
that they agree with the migrated schema. Clients have no privilege on the tables: they
receive ``ApiTask`` rows from the functions.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.types import UserDefinedType
from sqlmodel import Field, SQLModel

from todo_desktop.core.validation import DESCRIPTION_MAX, EMAIL_MAX, NAME_MAX, TAG_MAX, TITLE_MAX


class UserBase(SQLModel):
    email: str = Field(max_length=EMAIL_MAX, sa_column=Column(String(EMAIL_MAX), nullable=False, unique=True))
    first_name: str = Field(max_length=NAME_MAX, sa_column=Column(String(NAME_MAX), nullable=False))
    last_name: str = Field(max_length=NAME_MAX, sa_column=Column(String(NAME_MAX), nullable=False))
    is_active: bool = Field(default=True, nullable=False)


class User(UserBase, table=True):
    __tablename__ = "users"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # Clients have no privilege on this column; only todo_auth functions read it.
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class TaskBase(SQLModel):
    title: str = Field(
        min_length=1, max_length=TITLE_MAX, sa_column=Column(String(TITLE_MAX), nullable=False)
    )
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX, sa_column=Column(Text))
    completed: bool = Field(default=False, nullable=False)
    priority: str = Field(default="medium", sa_column=Column(String(20), nullable=False))
    due_date: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class Xid8(UserDefinedType[int]):
    """PostgreSQL's 64-bit transaction id, which SQLAlchemy has no type for."""

    cache_ok = True

    def get_col_spec(self, **_kw: object) -> str:
        return "xid8"

    @property
    def python_type(self) -> type[int]:
        return int


class Task(TaskBase, table=True):
    __tablename__ = "tasks"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", nullable=False, ondelete="CASCADE")
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    priority_rank: int = Field(
        sa_column=Column(
            SmallInteger,
            Computed("CASE priority WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 4 END"),
            nullable=False,
        )
    )
    # The title order compares this column, not lower(title): a non-leakproof function in a
    # condition cannot bound an index scan under row-level security.
    title_key: str = Field(sa_column=Column(Text, Computed("lower((title)::text)"), nullable=False))
    # Its tags' names, in the order given; task_tags follows it (a trigger).
    tags: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    repeat_rule: str | None = Field(default=None, sa_column=Column(Text))  # see core/repeats.py
    repeat_after_completion: bool = Field(default=False, nullable=False)
    # Search keys, kept by a trigger, each led by its owner's tag (sql/0008_search.sql).
    search_words: str = Field(sa_column=Column(TSVECTOR, nullable=False), exclude=True)
    search_grams: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(Text), nullable=False), exclude=True
    )
    # Keys left for later by an import, made by todo_api.prepare_search (sql/0009_search_speed.sql).
    search_pending: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false"), exclude=True
    )
    # The transaction that wrote the row, set by a trigger; polls read changes by it (revision
    # 0034). None on rows from before that revision.
    change_xid: int | None = Field(default=None, sa_column=Column(Xid8(), nullable=True), exclude=True)


class Tag(SQLModel, table=True):
    """A person's tag; kept until deleted. ``name_key`` is the name case-folded by the client
    (validation.tag_key), unique per person."""

    __tablename__ = "tags"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", nullable=False, ondelete="CASCADE")
    name: str = Field(max_length=TAG_MAX, sa_column=Column(Text, nullable=False))
    name_key: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # Open tasks with this tag, kept by triggers on task_tags (revision 0017).
    open_count: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class TaskTag(SQLModel, table=True):
    """One task and one of its tags, with copies of the task's sort keys: the keyset indexes
    of a list filtered by tag."""

    __tablename__ = "task_tags"

    task_id: uuid.UUID = Field(sa_column=Column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True))
    tag_id: uuid.UUID = Field(sa_column=Column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True))
    user_id: uuid.UUID = Field(nullable=False)
    completed: bool = Field(nullable=False)
    due_date: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    priority_rank: int = Field(sa_column=Column(SmallInteger, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    title_key: str = Field(sa_column=Column(Text, nullable=False))


class ApiTask(SQLModel):
    """A row of composite type todo_api.task, as every task function returns it."""

    id: uuid.UUID
    title: str
    description: str | None
    completed: bool
    priority: str
    due_date: datetime | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    title_key: str  # the keyset cursor of a title-ordered page
    priority_rank: int  # the keyset cursor of a priority-ordered page
    tags: list[str]  # names, in the order given
    repeat_rule: str | None
    repeat_after_completion: bool


users = User.__table__  # type: ignore[attr-defined]
tasks = Task.__table__  # type: ignore[attr-defined]
tags = Tag.__table__  # type: ignore[attr-defined]
task_tags = TaskTag.__table__  # type: ignore[attr-defined]
