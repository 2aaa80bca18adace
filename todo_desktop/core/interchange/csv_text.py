"""CSV text as spreadsheets and hand edits leave it, read record by record for both CSV readers.

- The separator is the one the header line uses most of: comma, semicolon or tab
  (spreadsheets in many locales write semicolons).
- Blank lines, and rows of empty cells, before the header are passed over: an editor or a
  script that wrote a line break first leaves a file that is still a sheet.
- A quote that opens a cell and is never closed would make the rest of the file one cell
  (Python's csv module, like most readers, reads on to the end): a file of hundreds of tasks
  would come in as one, its rows swallowed into a description (or, past the csv module's
  field limit, a row that cannot be read and thousands gone with it). So when a record runs
  on to the end of the file inside a quoted cell, it is skipped, named by the line the quote
  opens on, and reading goes on at the line after that one: the rows after it are not lost.
- A record that is no CSV (a cell over the csv module's field limit) is skipped, named by line.

Lines are numbered as a text editor shows them: a line ends at CR LF, LF or CR.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator

Skip = Callable[[int, str], None]  # (line, the rest of the sentence)
QUOTE = '"'
_SEPARATORS = (",", ";", "\t")
_CELL_ENDS = {sep: re.compile(f"[{re.escape(sep)}\r\n]") for sep in (*_SEPARATORS, "\n")}


def is_blank(record: list[str]) -> bool:
    return not any(cell.strip() for cell in record)


def sniff_delimiter(text: str) -> str:
    for line in io.StringIO(text[:65536], newline=""):
        if line.strip(" \r\n" + "".join(_SEPARATORS)):
            return max(_SEPARATORS, key=line.count)
    return ","


def header(found: Iterator[tuple[int, list[str]]]) -> list[str]:
    """The header: the first record of ``found`` with a cell that is not blank (or none)."""
    return next((record for _, record in found if not is_blank(record)), [])


def _ignore(_line: int, _rest: str) -> None:
    return None


class ReadAhead:
    """Records read to the end before any is used, for a reader that looks down a whole column
    first (the order of day and month in its dates, `csv_dates`). Give `skip` to `records`;
    `replay` then says each record that could not be read in its place among the others, so
    the sentences of a preview stay in the order of the file's lines."""

    def __init__(self) -> None:
        self._read: list[tuple[int, list[str] | str]] = []  # a record, or why one was skipped

    def skip(self, line: int, rest: str) -> None:
        self._read.append((line, rest))

    def fill(self, found: Iterator[tuple[int, list[str]]]) -> None:
        for item in found:  # not extend(): reading may call skip, which appends too
            self._read.append(item)

    def cells(self, index: int) -> Iterator[tuple[int, str]]:
        """Each record's cell at ``index``, with its line (records too short have none)."""
        for line, item in self._read:
            if not isinstance(item, str) and index < len(item):
                yield line, item[index]

    def replay(self, skip: Skip) -> Iterator[tuple[int, list[str]]]:
        for line, item in self._read:
            if isinstance(item, str):
                skip(line, item)
            else:
                yield line, item


def records(text: str, skip: Skip = _ignore) -> Iterator[tuple[int, list[str]]]:
    """Each record of ``text``, header first, with the line it starts on."""
    delimiter = sniff_delimiter(text)
    source = io.StringIO(text, newline="")
    consumed = 0  # characters handed to the csv reader so far

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in source:
            consumed += len(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    before = 0  # lines read before the current reader began
    closed = False  # a look from one record to the end found every quote closed: no more looks
    while True:
        begins, start = consumed, before + reader.line_num + 1
        try:
            record, problem = next(reader), None
        except StopIteration:
            return
        except csv.Error as exc:  # a cell past the field limit, often from a quote left open
            record, problem = [], f"cannot be read as CSV ({exc})"
        opened = None
        if (problem or consumed == len(text)) and not closed:
            opened = unclosed_quote(text, begins, delimiter)
            closed = opened is None
        if opened is not None:
            before = start + _breaks(text, begins, opened)
            skip(before, "opens a quote that is never closed")
            consumed = _next_line(text, opened)
            source.seek(consumed)
            reader = csv.reader(lines(), delimiter=delimiter)
        elif problem is not None:
            skip(start, problem)
        else:
            yield start, record


def unclosed_quote(text: str, start: int, delimiter: str) -> int | None:
    """Where a quoted cell opens that is still open at the end of ``text``, reading from
    ``start`` (the start of a record) as the csv module does: a quote opens a cell only as its
    first character, two quotes inside are one, and after the closing quote the cell runs on
    to the next separator or line break. None when every quoted cell is closed."""
    position, end = start, len(text)
    while position < end:
        if text[position] == QUOTE:
            closing = position + 1
            while True:
                closing = text.find(QUOTE, closing)
                if closing == -1:
                    return position
                if text.startswith(QUOTE, closing + 1):
                    closing += 2
                    continue
                break
            position = closing + 1
        position = _cell_end(text, position, delimiter) + 1
    return None


def _cell_end(text: str, position: int, delimiter: str) -> int:
    """The separator or line break that ends the cell around ``position`` (or the end)."""
    found = _CELL_ENDS[delimiter].search(text, position)
    return len(text) if found is None else found.start()


def _breaks(text: str, start: int, stop: int) -> int:
    part = text[start:stop]
    return part.count("\n") + part.count("\r") - part.count("\r\n")


def _next_line(text: str, position: int) -> int:
    """Where the line after the one holding ``position`` starts (or the end of ``text``)."""
    at = _cell_end(text, position, "\n")
    return at + 2 if text.startswith("\r\n", at) else min(at + 1, len(text))
