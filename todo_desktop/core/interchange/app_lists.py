"""What apps with lists (Google Tasks, TickTick) need here, where there are only tags: each
list becomes a tag of its tasks, and subtasks become tasks of their own.

A list's name is made into a tag once (`common.clean_tag`), not once per task: a list named
"2024" would otherwise give one warning for each of its hundreds of tasks. The preview says
which tags the lists became, and how many subtasks stand alone now, first among the warnings
(`finish`), so that the person knows where to find them before anything goes in.
"""

from __future__ import annotations

import dataclasses

from todo_desktop.core import validation
from todo_desktop.core.interchange.common import clean_tag, quoted
from todo_desktop.core.interchange.rows import ImportResult, Problem, Rows
from todo_desktop.core.quick_entry.tokens import tag_key

_SHOWN = 5  # list names the warning gives before "and N more"


class ListTags:
    """The tag each list becomes, and the subtasks met, for one file of ``app`` ("Google
    Tasks", "TickTick")."""

    def __init__(self, app: str) -> None:
        self.app = app
        self.subtasks = 0
        self._tags: dict[str, str | None] = {}  # a list's name -> its tag, or None
        self._made: dict[str, str] = {}  # tag key -> the tag, in the order first used
        self._refused: list[str] = []

    def tag(self, name: str) -> str | None:
        """The tag of the list ``name``, or None when it can be none (said once, in `finish`)."""
        if name not in self._tags:
            cleaned = clean_tag(name)
            if cleaned is not None and len(cleaned) > validation.TAG_MAX:
                cleaned = None
            if cleaned is None:
                self._refused.append(name)
            self._tags[name] = cleaned
        found = self._tags[name]
        if found is not None:
            self._made.setdefault(tag_key(found), found)
        return found

    def finish(self, rows: Rows) -> ImportResult:
        """``rows``' result, with what became of the lists and subtasks said first."""
        first: list[Problem] = []
        if self._made:
            names = list(self._made.values())
            shown = ", ".join(quoted(name) for name in names[:_SHOWN])
            if len(names) > _SHOWN:
                shown += f" and {len(names) - _SHOWN:,} more"
            which = "the list became a tag" if len(names) == 1 else "the lists became tags"
            first.append(Problem(0, f"{which}, as this app has tags and not lists: {shown}"))
        for name in self._refused:
            first.append(
                Problem(
                    0, f"the list {quoted(name)} cannot be a tag here, so its tasks were imported without one"
                )
            )
        last: list[Problem] = []
        if self.subtasks:
            was = "1 task was a subtask" if self.subtasks == 1 else f"{self.subtasks:,} tasks were subtasks"
            own = "it is a task" if self.subtasks == 1 else "each is a task"
            last.append(Problem(0, f"{was} in {self.app}; here {own} of its own"))
        result = rows.result()
        return dataclasses.replace(result, warnings=(*first, *result.warnings, *last))
