"""Tag operations in the outbox: what a rename, a delete or an undo of a delete does to the
tasks this computer knows, and how an undo queued behind its delete finds every task.

Queued like any other edit (an entry each, replayed in order, exactly once): renaming a tag
that no longer exists renames nothing, deleting one already gone deletes nothing, giving one
back to tasks that have it changes nothing. The optimistic result is worked out on the tasks
the outbox knows (``KnownTasks``), as the database will do it on all of them: tags compared by
key, a rename into a tag a task has already merging into one, the first spelling kept.

A delete made offline can only name the tasks this computer knows to have the tag; its undo
must give the tag back to every task the database takes it from. So the delete's replay
records what the database answered, against what was guessed (``KnownTasks.removals``), and an
undo replayed after it (``restore_tag``, naming the guess) is sent with the answer's tasks too.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from todo_desktop.core.validation import tag_key
from todo_desktop.sync.outbox_file import Entry

# (the tag's key, the task ids a delete was guessed to take it from) -> the ids it was taken from
Removals = Mapping[tuple[str, tuple[uuid.UUID, ...]], tuple[uuid.UUID, ...]]


def spelled(tags: tuple[str, ...], key: str) -> str | None:
    """How ``tags`` spell the tag with ``key``, if they have it."""
    return next((t for t in tags if tag_key(t) == key), None)


def renamed(tags: tuple[str, ...], old_key: str, new: str) -> tuple[str, ...] | None:
    """``tags`` with the tag ``old_key`` renamed ``new`` (once, in its first place); None when
    they do not have it."""
    if spelled(tags, old_key) is None:
        return None
    new_key = tag_key(new)
    out: dict[str, str] = {}
    for name in tags:
        key = tag_key(name)
        key, name = (new_key, new) if key in (old_key, new_key) else (key, name)
        out.setdefault(key, name)
    return tuple(out.values())


def without(tags: tuple[str, ...], key: str) -> tuple[str, ...] | None:
    if spelled(tags, key) is None:
        return None
    return tuple(t for t in tags if tag_key(t) != key)


def with_tag(tags: tuple[str, ...], name: str) -> tuple[str, ...] | None:
    if spelled(tags, tag_key(name)) is not None:
        return None
    return (*tags, name)


def removal_key(name: str, ids: list[str] | tuple[uuid.UUID, ...]) -> tuple[str, tuple[uuid.UUID, ...]]:
    return tag_key(name), tuple(sorted(uuid.UUID(str(i)) for i in ids))


def with_real_removal(entry: Entry, removals: Removals) -> Entry:
    """An undo of a tag's delete (``restore_tag``) naming also the tasks the database took the
    tag from, once the delete it undoes has been replayed."""
    if entry.get("op") != "restore_tag":
        return entry
    real = removals.get(removal_key(entry["name"], entry["ids"]))
    if real is None:
        return entry
    ids = sorted({*entry["ids"], *(str(i) for i in real)})
    return entry if ids == sorted(entry["ids"]) else {**entry, "ids": ids}
