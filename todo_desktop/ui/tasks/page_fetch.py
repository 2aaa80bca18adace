"""The task model's side of reading a list page by page."""

from __future__ import annotations

from collections.abc import Callable


class PageFetch:
    """Whether the list has rows past those loaded, and whether a page of them (or a reload)
    is on its way: ``ask`` calls the owner's callback, which reads on a worker, at most once
    until a page or a reload has settled it."""

    def __init__(self, ask: Callable[[], None] | None) -> None:
        self._ask = ask
        self.more = False  # rows past those loaded: a page of them may be on its way
        self.pending = False  # a page or a reload is on its way: ask for no other

    def can_ask(self) -> bool:
        return self.more and not self.pending and self._ask is not None

    def ask(self) -> None:
        if self.can_ask() and self._ask is not None:
            self.pending = True
            self._ask()

    def settle(self, more: bool) -> None:
        """A page or a reload arrived, with (``more``) or without rows past it."""
        self.more, self.pending = more, False
