"""The quick-add parser beside general date libraries, on the case table of the tests.

    python -m tests.bench.quick_entry              # every parser that is installed
    python -m tests.bench.quick_entry --rounds 20  # steadier timings

For each parser, on tests/core/quick_entry_cases.py:
- dates read right: of the cases with a due date and no repeat, how many get that local day
  (and that time, when the case has one);
- false dates: of the trap cases (titles with no date in them), how many get a date anyway;
- µs per phrase: the mean time of one call over all cases;
- import ms: what importing the parser adds to start-up, from ``python -X importtime`` in a
  fresh interpreter (median of 5), the app's own core modules already imported.
Our parser is also scored on whole cases (title, due, priority, tags, repeat all right); the
libraries only find dates and are not. dateparser and parsedatetime are not dependencies of the
app: one that is not installed is skipped, with a note. Not a test: it prints, it never fails.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from tests.core.quick_entry_case_kit import Case
from tests.core.quick_entry_cases import CASES
from tests.support.repo import ROOT

# (local due, whether it has a time) or None when the parser found no date.
Reading = tuple[datetime, bool] | None
Reader = Callable[[str, datetime, tzinfo, bool], Reading]
PRELOADED = "import todo_desktop.core.values, todo_desktop.core.clock"


@dataclass
class Contender:
    name: str
    module: str  # what importing it means, for -X importtime
    make: Callable[[], Reader]


def ours() -> Reader:
    from todo_desktop.core.quick_entry import parse

    def read(text: str, now: datetime, zone: tzinfo, day_first: bool) -> Reading:
        entry = parse(text, now, zone, day_first=day_first)
        return None if entry.due is None else (entry.due.astimezone(zone), entry.has_time)

    return read


def dateparser_reader() -> Reader:
    from dateparser.search import search_dates  # type: ignore[import-not-found]

    def read(text: str, now: datetime, zone: tzinfo, day_first: bool) -> Reading:
        settings = {
            "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
            "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY" if day_first else "MDY",
        }
        found = search_dates(text, languages=["en"], settings=settings)
        if not found:
            return None
        _, when = found[-1]  # the last one, as a task's date is usually at the end
        return when.replace(tzinfo=zone), (when.hour, when.minute) != (0, 0)

    return read


def parsedatetime_reader() -> Reader:
    import parsedatetime  # type: ignore[import-not-found]

    calendar = parsedatetime.Calendar(version=parsedatetime.VERSION_CONTEXT_STYLE)

    def read(text: str, now: datetime, zone: tzinfo, day_first: bool) -> Reading:
        found = calendar.nlp(text, sourceTime=now.astimezone(zone).replace(tzinfo=None))
        if not found:
            return None
        when, context, *_ = found[-1]
        return when.replace(tzinfo=zone), bool(context.hasTime)

    return read


CONTENDERS = [
    Contender("ours (hand-written grammar)", "todo_desktop.core.quick_entry", ours),
    Contender("dateparser", "dateparser.search", dateparser_reader),
    Contender("parsedatetime", "parsedatetime", parsedatetime_reader),
]


def import_ms(module: str, runs: int = 5) -> float:
    """Milliseconds that importing ``module`` adds, with the core modules already loaded.

    As an installed app runs: from compiled bytecode. The bytecode goes to a private cache
    (PYTHONPYCACHEPREFIX), filled by a first, untimed run, whatever PYTHONDONTWRITEBYTECODE says.
    """
    samples = []
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for run in range(runs + 1):
            done = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", f"{PRELOADED}\nimport {module}"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            if run:
                samples.append(_added_ms(done.stderr))
    return statistics.median(samples)


def _added_ms(report: str) -> float:
    """The self times of every module imported after the preloaded ones, in ms."""
    total = 0
    preloaded = True
    for line in report.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        fields = [field.strip() for field in line.removeprefix("import time:").split("|")]
        if not fields[0].isdigit():
            continue  # the header
        if preloaded and fields[2] == "todo_desktop.core.clock":
            preloaded = False
            continue
        if not preloaded:
            total += int(fields[0])
    return total / 1000


def right(case: Case, reading: Reading) -> bool:
    expected = case.expected_due()
    if expected is None or reading is None:
        return expected is None and reading is None
    zone = ZoneInfo(case.zone)
    want, got = expected.astimezone(zone), reading[0].astimezone(zone)
    if want.date() != got.date():
        return False
    return not case.has_time or (want.hour, want.minute) == (got.hour, got.minute)


def whole_case_right(case: Case) -> bool:
    from todo_desktop.core.quick_entry import parse

    entry = parse(case.text, case.now, ZoneInfo(case.zone), day_first=case.day_first)
    return (
        entry.title == case.title
        and entry.due == case.expected_due()
        and entry.has_time == case.has_time
        and entry.priority == case.priority
        and entry.tags == case.tags
        and entry.repeat == case.repeat
        and entry.repeat_after_completion == case.after
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The quick-add parser beside date libraries.")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the table (default 5)")
    parser.add_argument("--examples", type=int, default=3, help="false dates to show per parser (default 3)")
    options = parser.parse_args(argv)

    dated = [case for case in CASES if case.due is not None and case.repeat is None]
    traps = [case for case in CASES if case.trap]
    print(f"{len(CASES)} cases: {len(dated)} with a date to read, {len(traps)} traps with none")
    print(f"{'parser':30} {'dates right':>13} {'false dates':>13} {'µs/phrase':>11} {'import ms':>10}")
    for contender in CONTENDERS:
        try:
            importlib.import_module(contender.module)
        except ImportError:
            print(
                f"{contender.name:30} skipped: not installed (pip install {contender.module.split('.')[0]})"
            )
            continue
        read = contender.make()
        zones = {case.zone: ZoneInfo(case.zone) for case in CASES}
        readings = {id(case): read(case.text, case.now, zones[case.zone], case.day_first) for case in CASES}
        good = sum(right(case, readings[id(case)]) for case in dated)
        false = sum(readings[id(case)] is not None for case in traps)
        started = time.perf_counter()
        for _ in range(options.rounds):
            for case in CASES:
                read(case.text, case.now, zones[case.zone], case.day_first)
        micros = (time.perf_counter() - started) / (options.rounds * len(CASES)) * 1e6
        print(
            f"{contender.name:30} {good:>5}/{len(dated):<4} {100 * good / len(dated):>3.0f}%"
            f" {false:>5}/{len(traps):<4} {100 * false / len(traps):>2.0f}%"
            f" {micros:>11.1f} {import_ms(contender.module):>10.1f}"
        )
        for case in [case for case in traps if readings[id(case)] is not None][: options.examples]:
            print(f"{'':32}false date in {case.text!r}")
    whole = sum(whole_case_right(case) for case in CASES)
    print(f"ours, whole cases right (title, due, priority, tags, repeat): {whole}/{len(CASES)}")


if __name__ == "__main__":
    main()
