"""SQLModel tables, split Base / Create / Update / Read as in the full-stack template.

The migrations own the DDL (they carry RLS, triggers and functions that models cannot
express); these classes describe the same columns for queries and typing, and a test
checks that the two agree.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Computed, DateTime, SmallInteger, String, Text
from sqlmodel import Field, SQLModel

from todo_desktop.validation import DESCRIPTION_MAX, EMAIL_MAX, NAME_MAX, TITLE_MAX


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


class UserRead(UserBase):
    id: uuid.UUID
    created_at: datetime


class TaskBase(SQLModel):
    title: str = Field(
        min_length=1, max_length=TITLE_MAX, sa_column=Column(String(TITLE_MAX), nullable=False)
    )
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX, sa_column=Column(Text))
    completed: bool = Field(default=False, nullable=False)
    priority: str = Field(default="medium", sa_column=Column(String(20), nullable=False))
    due_date: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


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


class TaskCreate(TaskBase):
    id: uuid.UUID = Field(default_factory=uuid.uuid4)


class TaskUpdate(SQLModel):
    title: str | None = None
    description: str | None = None
    completed: bool | None = None
    priority: str | None = None
    due_date: datetime | None = None


class TaskRead(TaskBase):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


users = User.__table__  # type: ignore[attr-defined]
tasks = Task.__table__  # type: ignore[attr-defined]
