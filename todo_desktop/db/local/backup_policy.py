"""Which backup files there are, what each is, which are kept, and when the next is due.

A backup is named by the moment it was made, by this computer's clock. Clocks go wrong: one
set back by a month would date a new copy a month before the last one, and one that ran
ahead leaves copies dated in the future. So a copy dated after now is kept as it is and
counts for nothing (it neither stands in for today's backup nor pushes a new one out), and
the days are this computer's calendar days, in the zone of the ``now`` given.

What is kept, apart from copies dated in the future (all kept):
- daily backups: the newest of each of the last 7 days that have one, and the newest of each
  of the last 4 weeks;
- copies asked for (Back Up Now): the 10 newest of the last 7 days;
- copies made before a restore, each the database as that restore found it. A person who
  restores again and again looking for the right backup makes a run of them (each within a
  day of the one before), and only the first of a run holds the data they had before they
  began; the newest undoes the last restore; those between mostly hold a backup restored
  for a look. So, at most 20 in all, chosen in this order: the newest; the first of each run
  that has a copy in the last 7 days (the newest runs first), however long ago that run
  began; then the others of the last 7 days, newest first. Twenty full copies bound what a
  loop of restores can take from the disk.
"Now" for the extra copies is the newest backup, not the clock: a computer left off for a
month comes back with its backups still there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from todo_desktop.core.clock import LocalZone

FOLDER_NAME = "backups"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_EXTRA = 10  # copies asked for, from the last 7 days
KEEP_BEFORE_RESTORE = 20  # copies made before a restore: every one a full copy of the database
RUN_GAP = timedelta(days=1)  # restores nearer each other than this are one run
_NAME = re.compile(r"^todo-(\d{8}T\d{6}Z)(-before-restore|-manual)?\.dump$")
BEFORE_RESTORE = "-before-restore"
MANUAL = "-manual"  # asked for in the window (File > Back Up Now), not the daily one
_STAMP = "%Y%m%dT%H%M%SZ"


def local_now() -> datetime:
    """Now, in this computer's zone with its rules for every date: a fixed offset (what
    ``astimezone()`` gives) would put a backup made late on the eve of a change of clocks
    on the wrong day, and today's backup would be skipped."""
    return datetime.now(LocalZone())


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    made_at: datetime
    before_restore: bool  # the database as it was just before a restore replaced it
    manual: bool = False  # made by File > Back Up Now

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def counts_path(self) -> Path:
        return self.path.with_suffix(".counts.json")

    @property
    def automatic(self) -> bool:
        """The daily backup, not one asked for nor one made by a restore."""
        return not (self.before_restore or self.manual)

    def counts(self) -> dict[str, int] | None:
        """Rows per table as the dump holds them (counted in the dump's own snapshot)."""
        try:
            data = json.loads(self.counts_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
            return None
        return {str(k): int(v) for k, v in data.items()}


def backups_folder(data: Path) -> Path:
    return data / FOLDER_NAME


def list_backups(folder: Path) -> list[Backup]:
    """Newest first."""
    found: list[Backup] = []
    for path in folder.glob("todo-*.dump") if folder.is_dir() else ():
        match = _NAME.match(path.name)
        made = _moment(match.group(1)) if match else None
        if match and made is not None:
            found.append(Backup(path, made, match.group(2) == BEFORE_RESTORE, match.group(2) == MANUAL))
    # Within one second (a backup, then the restore of it at once) the file's own time tells
    # which came first.
    return sorted(found, key=lambda b: (b.made_at, _written(b.path)), reverse=True)


def _moment(stamp: str) -> datetime | None:
    """The moment a name gives, or None for one no backup has: an impossible date (a file
    renamed by hand), or one so near year 1 or 9999 that it has no local date."""
    try:
        made = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return made if 1 < made.year < 9999 else None


def _written(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def new_backup(folder: Path, now: datetime, *, before_restore: bool = False, manual: bool = False) -> Backup:
    """The backup to make now, under a name no file in ``folder`` has: names tell the second,
    and a backup, its restore and the undo of that restore can all come within one, so a
    name taken moves on to the next second (never replacing an older copy)."""
    suffix = BEFORE_RESTORE if before_restore else MANUAL if manual else ""
    made_at = now.astimezone(UTC).replace(microsecond=0)
    while True:
        name = f"todo-{made_at.strftime(_STAMP)}{suffix}.dump"
        made = Backup(folder / name, made_at, before_restore, manual)
        if not (made.path.exists() or made.counts_path.exists()):
            return made
        made_at += timedelta(seconds=1)


def _present(backups: list[Backup], now: datetime) -> list[Backup]:
    """The backups not dated after ``now`` (give or take a minute, for a name moved on)."""
    return [b for b in backups if b.made_at <= now + timedelta(minutes=1)]


def backup_due(folder: Path, now: datetime) -> bool:
    """No daily backup yet on ``now``'s calendar day (in ``now``'s zone). Only the automatic
    ones count: a copy asked for is kept apart, and for less long."""
    daily = [b for b in _present(list_backups(folder), now) if b.automatic]
    return not daily or _day(daily[0], now) < now.date()


def _day(backup: Backup, now: datetime) -> date:
    return backup.made_at.astimezone(now.tzinfo).date()


def kept(backups: list[Backup], now: datetime) -> set[Path]:
    """What the module's rule keeps. Copies asked for (Back Up Now) or made before a restore
    are kept apart from the daily ones and never push one out, so the backup a restore
    replaced, and the one it restored, both stay to be chosen again."""
    present = _present(backups, now)
    daily, weekly = _kept_by_day_and_week([b for b in present if b.automatic], now)
    future = {b.path for b in backups} - {b.path for b in present}
    return daily | weekly | _kept_extras(present) | future


def weekly_only(backups: list[Backup], now: datetime) -> set[Path]:
    """The daily backups kept only as their week's newest (older than the last 7 days kept)."""
    daily, weekly = _kept_by_day_and_week([b for b in _present(backups, now) if b.automatic], now)
    return weekly - daily


def _kept_by_day_and_week(backups: list[Backup], now: datetime) -> tuple[set[Path], set[Path]]:
    days: dict[object, Backup] = {}
    weeks: dict[object, Backup] = {}
    for backup in sorted(backups, key=lambda b: b.made_at, reverse=True):  # the first seen is the newest
        local = backup.made_at.astimezone(now.tzinfo)
        days.setdefault(local.date(), backup)
        weeks.setdefault(local.isocalendar()[:2], backup)
    newest_days = sorted(days.values(), key=lambda b: b.made_at, reverse=True)[:KEEP_DAILY]
    newest_weeks = sorted(weeks.values(), key=lambda b: b.made_at, reverse=True)[:KEEP_WEEKLY]
    return {b.path for b in newest_days}, {b.path for b in newest_weeks}


def _kept_extras(backups: list[Backup]) -> set[Path]:
    if not backups:
        return set()
    # Measured from the newest backup, not the clock: a computer left off for a month
    # comes back with its backups still there.
    newest = max(b.made_at for b in backups)
    recent = sorted(
        (b for b in backups if newest - b.made_at < timedelta(days=KEEP_DAILY)),
        key=lambda b: b.made_at,
        reverse=True,
    )
    manual = [b.path for b in recent if b.manual][:KEEP_EXTRA]
    return {*manual, *_kept_before_restore([b for b in backups if b.before_restore], newest)}


def _kept_before_restore(copies: list[Backup], newest: datetime) -> list[Path]:
    """The copies made before a restore that the module's rule keeps."""
    week = timedelta(days=KEEP_DAILY)
    runs: list[list[Backup]] = []
    for copy in sorted(copies, key=lambda b: b.made_at):
        if runs and copy.made_at - runs[-1][-1].made_at < RUN_GAP:
            runs[-1].append(copy)
        else:
            runs.append([copy])
    going_on = [run for run in runs if newest - run[-1].made_at < week]
    if not going_on:
        return []
    recent = sorted(
        (b for run in going_on for b in run if newest - b.made_at < week),
        key=lambda b: b.made_at,
        reverse=True,
    )
    ranked = [going_on[-1][-1], *(run[0] for run in reversed(going_on)), *recent]
    return list(dict.fromkeys(b.path for b in ranked))[:KEEP_BEFORE_RESTORE]  # each once, in rank


def prune(folder: Path, now: datetime) -> list[Path]:
    """Remove what the policy no longer keeps; returns what was removed."""
    backups = list_backups(folder)
    keep = kept(backups, now)
    removed = [b for b in backups if b.path not in keep]
    for backup in removed:
        backup.path.unlink(missing_ok=True)
        backup.counts_path.unlink(missing_ok=True)
    return [b.path for b in removed]
