"""What an empty list is said to be: the same words in the window and on the command line."""

from __future__ import annotations

from todo_desktop.core.values import SmartList

EMPTY_HEADLINES: dict[SmartList, str] = {
    SmartList.INBOX: "Your Inbox is empty.",
    SmartList.TODAY: "Nothing due today.",
    SmartList.UPCOMING: "Nothing due in the next seven days.",
    SmartList.OVERDUE: "Nothing overdue. You are up to date.",
    SmartList.COMPLETED: "No completed tasks yet.",
}


def tag_empty(tag: str) -> str:
    """An empty tag list. The same words for a tag no task has: a tag exists only on tasks."""
    return f"No open tasks tagged #{tag}."
