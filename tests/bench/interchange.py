"""Import and export at scale: write and read 100,000 tasks in every format.

    python -m tests.bench.interchange                # 100,000 tasks
    python -m tests.bench.interchange --tasks 20000  # fewer

For each format: the size of the file, the seconds to write it from `Task` values, and the
seconds to read it back (from text, detection included) into import rows, with the preview
sentence's counts. Todoist CSV is only read: its file is made here in the template's layout,
with the date cells people type (ISO dates, "every monday", "tomorrow at 5pm", "13 Jun"),
which go through the quick-add grammar. The tasks are varied like real ones: a third with
notes of a few lines, tags on half, a repeat on one in ten, a due date on most, a quarter
completed. Not a test: it prints, it never fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from todo_desktop.core import interchange
from todo_desktop.core.interchange.todoist_csv import TEMPLATE_COLUMNS
from todo_desktop.core.values import Priority, Task

ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
WORDS = [
    *("call", "email", "buy", "fix", "plan", "write", "review", "pay"),
    *("book", "clean", "send", "check", "read", "order", "water", "meet"),
]
TAGS = ["home", "work", "errands", "Finance", "kids", "garden", "health", "NYC", "urgent-ish", "reading"]
REPEATS = [
    "FREQ=DAILY",
    "FREQ=WEEKLY;BYDAY=MO",
    "FREQ=MONTHLY;BYMONTHDAY=1",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=YEARLY",
]
TODOIST_DATES = ["every monday", "tomorrow at 5pm", "every! 3 days", "next week", "every weekday"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def make_tasks(count: int, seed: int = 7) -> list[Task]:
    rng = random.Random(seed)
    tasks = []
    for i in range(count):
        created = NOW - timedelta(minutes=rng.randrange(2_000_000))
        completed = rng.random() < 0.25
        repeat = rng.choice(REPEATS) if rng.random() < 0.1 else None
        description = None
        if rng.random() < 0.33:
            description = "\n".join(" ".join(rng.choices(WORDS, k=8)) for _ in range(rng.randrange(1, 4)))
        tasks.append(
            Task(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                title=f"{rng.choice(WORDS).capitalize()} {' '.join(rng.choices(WORDS, k=4))}, #{i}",
                description=description,
                completed=completed,
                priority=rng.choice(list(Priority)),
                due_date=created + timedelta(days=rng.randrange(1, 60)) if rng.random() < 0.8 else None,
                created_at=created,
                updated_at=created + timedelta(hours=1),
                completed_at=created + timedelta(days=1) if completed else None,
                tags=tuple(rng.sample(TAGS, rng.randrange(0, 3))) if rng.random() < 0.5 else (),
                repeat=repeat,
                repeat_after_completion=bool(repeat) and rng.random() < 0.3,
            )
        )
    return tasks


def todoist_file(count: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for i in range(count):
        if i % 500 == 0:
            writer.writerow(["section", f"Section {i // 500}"] + [""] * (len(TEMPLATE_COLUMNS) - 2))
        kind = rng.random()
        if kind < 0.4:
            date = f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        elif kind < 0.7:
            date = f"{rng.randrange(1, 29)} {rng.choice(MONTHS)}"
        elif kind < 0.85:
            date = rng.choice(TODOIST_DATES)
        else:
            date = ""
        content = f"{rng.choice(WORDS).capitalize()} {' '.join(rng.choices(WORDS, k=4))} #{i}"
        if rng.random() < 0.3:
            content += f" @{rng.choice(TAGS)}"
        row = ["task", content, "", str(rng.randrange(1, 5)), "1", "Ada (1)", "", date, "en", "Europe/Berlin"]
        writer.writerow(row + [""] * (len(TEMPLATE_COLUMNS) - len(row)))
        if rng.random() < 0.1:
            writer.writerow(["note", "a comment on it"] + [""] * (len(TEMPLATE_COLUMNS) - 2))
    return buffer.getvalue()


def _timed(action):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    count = parser.parse_args().tasks
    tasks = make_tasks(count)
    print(f"{count:,} tasks; seconds of one run each")
    print(f"{'format':<12} {'MB':>7} {'write s':>8} {'read s':>7}  preview")
    for fmt in ("json", "csv", "taskwarrior", "ical", "todoist"):
        if fmt == "todoist":
            text, written = _timed(lambda: todoist_file(count))
            written_text = "      —"
        else:
            text, written = _timed(lambda fmt=fmt: interchange.write(tasks, fmt, zone=ZONE))
            written_text = f"{written:8.2f}"
        result, read = _timed(lambda text=text: interchange.read(text, "auto", zone=ZONE, now=NOW))
        preview = interchange.summary(result)
        preview = preview if len(preview) < 70 else preview[:67] + "..."
        size = len(text.encode("utf-8")) / 2**20
        print(f"{fmt:<12} {size:7.1f} {written_text:>8} {read:7.2f}  {preview}")


if __name__ == "__main__":
    main()
