"""The data benchmark's operations, their timing and its report (``python -m tests.bench.data``)."""

from __future__ import annotations

import argparse
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TARGET_P99_MS = 5.0  # reads
TARGET_RATIO = 2.0  # reads
TARGET_WRITE_RATIO = 1.5  # writes: a commit waits for its fsync on both sides
Timed = Callable[[int], Callable[[], object]]


@dataclass
class Op:
    """One operation. ``layer(i)`` and ``raw(i)`` return the call to time for iteration i (any
    set-up they need runs untimed), each side on its own row where the operation writes;
    ``check()`` runs both once, untimed, and says how their answers differ."""

    name: str
    layer: Timed
    raw: Timed
    write: bool = False
    check: Callable[[], str | None] | None = None
    statements: list[tuple[str, Any]] = field(default_factory=list)  # the raw side's, for EXPLAIN


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))] * 1000


@dataclass
class Timings:
    """One operation's samples in seconds: the layer and raw alternating, and for a read the
    layer's calls again back to back (``alone``). The targets are held to the alternating
    run; back to back shows how much of a read's time is the machine between calls (after
    raw's scan of the person's tasks, caches are cold; after an idle moment, colder still)."""

    layer: list[float]
    raw: list[float]
    alone: list[float] = field(default_factory=list)


def measure(op: Op, warmup: int, iterations: int) -> Timings:
    layer: list[float] = []
    raw: list[float] = []
    for i in range(warmup + iterations):
        calls = {"layer": op.layer(i), "raw": op.raw(i)}
        order = ("layer", "raw") if i % 2 else ("raw", "layer")
        for side in order:
            t0 = time.perf_counter()
            calls[side]()
            seconds = time.perf_counter() - t0
            if i >= warmup:
                (layer if side == "layer" else raw).append(seconds)
    timings = Timings(layer, raw)
    if not op.write:
        for i in range(warmup + iterations):
            call = op.layer(i)
            t0 = time.perf_counter()
            call()
            if i >= warmup:
                timings.alone.append(time.perf_counter() - t0)
    return timings


def ids_differ(layer: list[uuid.UUID], raw: list[uuid.UUID]) -> str | None:
    if layer == raw:
        return None
    pairs = enumerate(zip(layer, raw, strict=False))
    first = next((k for k, (a, b) in pairs if a != b), min(len(layer), len(raw)))
    return f"{len(layer)} rows through the layer, {len(raw)} raw; they differ from row {first}"


def misses(op: Op, t: Timings) -> list[str]:
    ratio = pct(t.layer, 0.99) / pct(t.raw, 0.99)
    if op.write:
        return ["ratio"] if ratio > TARGET_WRITE_RATIO else []
    slow = pct(t.layer, 0.99) > TARGET_P99_MS
    return [what for what, bad in (("p99", slow), ("ratio", ratio > TARGET_RATIO)) if bad]


def report(
    rows: list[tuple[Op, Timings]],
    conn_rows: list[tuple[str, list[float]]],
    args: argparse.Namespace,
) -> None:
    mode = "no prepared statements (--pooled)" if args.pooled else "psycopg auto-prepare on (default)"
    print(
        f"\n{args.iterations} timed iterations per operation after {args.warmup} warm-up; layer and "
        f"raw (direct table SQL as the owner) alternate; {mode}. Times in ms. A read's layer calls "
        "then run again back to back (b2b), for comparison only."
    )
    head = (
        f"{'operation':<40} {'layer p50':>9} {'layer p99':>9} {'b2b p99':>8} {'raw p50':>8} "
        f"{'raw p99':>8} {'p99/p99':>7}  {'target':<22} verdict"
    )
    print(head)
    print("-" * len(head))
    for op, t in rows:
        lp, rp = pct(t.layer, 0.99), pct(t.raw, 0.99)
        target = (
            f"p99 <= {TARGET_WRITE_RATIO:g}x raw"
            if op.write
            else f"p99 <= {TARGET_P99_MS:g} ms, <= {TARGET_RATIO:g}x"
        )
        missed = misses(op, t)
        b2b = f"{pct(t.alone, 0.99):.2f}" if t.alone else "-"
        verdict = "hold" if not missed else "MISS " + "+".join(missed)
        print(
            f"{op.name:<40} {pct(t.layer, 0.5):9.2f} {lp:9.2f} {b2b:>8} "
            f"{pct(t.raw, 0.5):8.2f} {rp:8.2f} {lp / rp:6.2f}x  {target:<22} {verdict}"
        )
    print()
    for name, samples in conn_rows:
        print(f"{name:<34} p50 {pct(samples, 0.5):7.2f}  p99 {pct(samples, 0.99):7.2f}")
