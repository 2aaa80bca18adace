"""The tag methods of ``TaskService``, as the GUI calls them.

A service wrapped for another purpose (an outbox, a read-only schema) may not pass them on
yet; ``tag_port`` then answers None and the window shows no tags instead of failing on a
worker thread.
"""

from __future__ import annotations

from typing import Protocol, cast

from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.core.values import TagCount, TagRemoval

__all__ = ["NO_TAGS", "TagPort", "same_tag", "tag_port"]

NO_TAGS = "Tags cannot be changed on this connection."
_METHODS = ("tags", "rename_tag", "delete_tag", "restore_tag")


class TagPort(Protocol):
    def tags(self) -> list[TagCount]: ...
    # Renaming into a name that exists merges the two; returns how many tasks changed.
    def rename_tag(self, old: str, new: str) -> int: ...
    def delete_tag(self, name: str) -> TagRemoval: ...
    def restore_tag(self, removal: TagRemoval) -> int: ...


def tag_port(service: object | None) -> TagPort | None:
    if service is None or not all(callable(getattr(service, name, None)) for name in _METHODS):
        return None
    return cast(TagPort, service)


def same_tag(a: str | None, b: str | None) -> bool:
    """One tag whatever the case: #Home is #home."""
    return a is not None and b is not None and tag_key(a) == tag_key(b)
