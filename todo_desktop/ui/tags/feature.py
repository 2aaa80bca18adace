"""Tags in the window: the sidebar's section, filtering by a tag, the tag commands, and
completing ``#tags`` in the fields where tags are typed.

The window hands in the parts it is built of (session, workers, the list and its commands,
the navigator, the sidebar, the fields); this object only joins them. A command names its
tag by the list on screen (a tag chosen in the sidebar, or with ``#``), or asks for one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit, QWidget

from todo_desktop.core.quick_entry.tokens import tag_key
from todo_desktop.ui.command_table import CommandId
from todo_desktop.ui.lists.navigator import ListNavigator
from todo_desktop.ui.lists.sidebar import Sidebar
from todo_desktop.ui.session import WorkspaceSession
from todo_desktop.ui.tags.completer import TagCompleter
from todo_desktop.ui.tags.dialogs import TagChooser, TagNameDialog, ask_merge, merge_question
from todo_desktop.ui.tags.tag_commands import DeleteTag, RenameTag
from todo_desktop.ui.tags.tag_edits import TagEditor
from todo_desktop.ui.tags.watch import TagWatch
from todo_desktop.ui.tasks.commands import TaskCommands
from todo_desktop.ui.tasks.task_list import TaskListController
from todo_desktop.ui.workers import Workers

NO_TAGS_YET = "No tags yet: type #name in a task's title or its Tags field to add one."
SHOW_PROMPT = "Show the open tasks with the tag:"
RENAME_PROMPT = "Rename or merge the tag:"
DELETE_PROMPT = "Take this tag off every task that has it:"

Confirm = Callable[[QWidget, str, Callable[[], None]], None]


class TagFeatures(QObject):
    def __init__(
        self,
        window: QWidget,
        session: WorkspaceSession,
        workers: Workers,
        tasks: TaskListController,
        commands: TaskCommands,
        navigator: ListNavigator,
        sidebar: Sidebar,
        undo_stack: QUndoStack,
        say: Callable[[str], None],
        fields: Sequence[QLineEdit] = (),
    ) -> None:
        """``fields``: where tags are typed as ``#word``; each completes them."""
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._commands = commands
        self._navigator = navigator
        self._sidebar = sidebar
        self._stack = undo_stack
        self._say = say
        # Replaceable, so tests (and other front ends) can answer without a box.
        self.confirm: Confirm = ask_merge
        self.watch = TagWatch(session, workers, self)
        self.editor = TagEditor(
            workers, tasks.editor, lambda: session.workspace.tasks if session.workspace else None, self
        )
        self._chooser: TagChooser | None = None  # made when first asked for: start-up stays quick
        self._namer: TagNameDialog | None = None
        self.completers = [TagCompleter(field, self) for field in fields]

        navigator.counts_requested.connect(self.watch.refresh)
        navigator.tag_shown.connect(sidebar.set_current_tag)
        self.watch.shown.connect(sidebar.set_tags)
        self.watch.shown.connect(navigator.set_tag_counts)
        self.watch.shown.connect(self._names_changed)
        sidebar.tag_chosen.connect(navigator.show_tag)
        sidebar.rename_requested.connect(self.rename_tag)
        sidebar.delete_requested.connect(self.delete_tag)
        self.editor.message.connect(say)
        self.editor.renamed.connect(navigator.tag_renamed)
        self.editor.removed.connect(navigator.tag_removed)
        self.editor.settled.connect(self.watch.refresh)

    def run(self) -> dict[CommandId, Callable[[], object]]:
        """What the tag commands of the menus and the palette do."""
        return {
            CommandId.FILTER_BY_TAG: self.choose_tag,
            CommandId.RENAME_TAG: self.rename_tag,
            CommandId.DELETE_TAG: self.delete_tag,
        }

    @property
    def chooser(self) -> TagChooser:
        if self._chooser is None:
            self._chooser = TagChooser(self._window)
        return self._chooser

    @property
    def namer(self) -> TagNameDialog:
        if self._namer is None:
            self._namer = TagNameDialog(self._window)
        return self._namer

    def _names_changed(self, _tags: object) -> None:
        names = self.watch.names()
        for completer in self.completers:
            completer.set_names(names)

    # The tag a command is about --------------------------------------------------------

    def _target(self, prompt: str, then: Callable[[str], object], name: str | None) -> None:
        """``then(name)``: the tag given, else the one on screen, else the one chosen now."""
        name = name or self._navigator.tag or self._sidebar.current_tag()
        if name is not None:
            then(name)
        elif not self.watch.tags:
            self.watch.refresh()
            self._say(NO_TAGS_YET)
        else:
            self.chooser.open_for(prompt, self.watch.tags, then)

    def choose_tag(self) -> None:
        """Filter the list by a tag chosen by a few of its letters."""
        if not self.watch.tags:
            self.watch.refresh()
            self._say(NO_TAGS_YET)
            return
        self.chooser.open_for(SHOW_PROMPT, self.watch.tags, self._navigator.show_tag)

    # Rename and merge ------------------------------------------------------------------

    def rename_tag(self, name: str | None = None) -> None:
        if self._commands.can_edit():
            self._target(RENAME_PROMPT, lambda old: self.namer.ask(old, self.rename), name)

    def rename(self, old: str, new: str) -> None:
        """Rename ``old`` to ``new``; into a tag that exists, after asking, as a merge."""
        if old == new:
            return
        target = self.watch.find(new)
        if target is None or tag_key(target.name) == tag_key(old):
            self._push_rename(old, new, merge=False)
            return
        question = merge_question(self.watch.find(old), target, old)
        self.confirm(self._window, question, partial(self._push_rename, old, target.name, merge=True))

    def _push_rename(self, old: str, new: str, *, merge: bool) -> None:
        if self._commands.can_edit():
            editor = self._tasks.editor
            self._stack.push(RenameTag(self._stack, editor, self.editor, old, new, merge=merge))

    # Delete ----------------------------------------------------------------------------

    def delete_tag(self, name: str | None = None) -> None:
        if self._commands.can_edit():
            self._target(DELETE_PROMPT, self._push_delete, name)

    def _push_delete(self, name: str) -> None:
        if self._commands.can_edit():
            self._stack.push(DeleteTag(self._stack, self._tasks.editor, self.editor, name))
