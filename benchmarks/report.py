"""The JSON result file, the table a person reads, and the comparison with a baseline.

Nothing here fails the run: a regression or a missed budget is flagged in the output for a
person to judge (a noisy neighbour on a shared machine is not a regression).
"""

import json
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import drugs
from benchmarks.scales import Scale
from benchmarks.timing import Stats

REGRESSION_THRESHOLD = 0.25
NOISE_FLOOR_MS = 0.5  # a slower p95 by less than this is flagged as probable noise
SECTIONS = ("results", "gui")  # blocks of operations; "gui" only in runs with --gui
DETAILS = ("archive_detail", "backup_detail", "drugs_detail", "fees_detail",  # when measured
           "agenda_detail", "writing_detail", "results_detail", "erasure_detail",
           "retention_detail")


@dataclass(frozen=True)
class Run:
    """Everything one benchmark run measured."""

    scale: Scale
    machine: dict[str, Any]
    workload: dict[str, Any]
    generation_seconds: float
    results: dict[str, Stats]
    cipher_over_plain: dict[str, float]
    cipher_detail: dict[str, Any]
    gui: dict[str, Stats] = field(default_factory=dict)
    gui_detail: dict[str, Any] = field(default_factory=dict)
    archive_detail: dict[str, Any] = field(default_factory=dict)
    backup_detail: dict[str, Any] = field(default_factory=dict)
    drugs_detail: dict[str, Any] = field(default_factory=dict)
    fees_detail: dict[str, Any] = field(default_factory=dict)
    agenda_detail: dict[str, Any] = field(default_factory=dict)
    writing_detail: dict[str, Any] = field(default_factory=dict)
    results_detail: dict[str, Any] = field(default_factory=dict)
    erasure_detail: dict[str, Any] = field(default_factory=dict)
    retention_detail: dict[str, Any] = field(default_factory=dict)


def machine(sqlcipher_version: str, sqlite_version: str) -> dict[str, Any]:
    """What the numbers depend on besides the code."""
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "sqlcipher": sqlcipher_version, "sqlite": sqlite_version,
            "platform": platform.platform()}


def to_json(run: Run) -> dict[str, Any]:
    """The result file's content."""
    document = {
        "scale": run.scale.name,
        "machine": run.machine,
        "workload": run.workload,
        "generation_seconds": round(run.generation_seconds, 2),
        "results": _operations(run.scale, run.results),
        "cipher_over_plain": {op: round(r, 3) for op, r in run.cipher_over_plain.items()},
        "cipher_over_plain_detail": run.cipher_detail,
    }
    if run.gui:
        document["gui"] = _operations(run.scale, run.gui)
        document["gui_detail"] = run.gui_detail
    document.update((name, getattr(run, name)) for name in DETAILS if getattr(run, name))
    return document


def _operations(scale: Scale, results: dict[str, Stats]) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for op, s in results.items():
        entry: dict[str, Any] = {"p50_ms": round(s.p50, 3), "p95_ms": round(s.p95, 3),
                 "max_ms": round(s.max, 3), "n": s.n, "budget_ms": scale.budget_for(op)}
        if scale.budget_statistic(op) != "p95":
            entry["budget_on"] = scale.budget_statistic(op)
        operations[op] = entry
    return operations


def _budgeted(r: dict[str, Any]) -> float:
    """The statistic an operation's budget holds (p95 unless `budget_on` says otherwise)."""
    return float(r[f"{r.get('budget_on', 'p95')}_ms"])


def _label(op: str, r: dict[str, Any]) -> str:
    return f"{op} ({r['budget_on']})" if "budget_on" in r else op


def write(path: Path, document: dict[str, Any]) -> None:
    """Write the result file (UTF-8, stable key order for readable diffs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_baseline(path: Path) -> dict[str, Any] | None:
    """A previous result file, or None when there is none to compare with."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return loaded if isinstance(loaded, dict) else None


def table(document: dict[str, Any]) -> str:
    """Results, budgets and cipher ratios as aligned text."""
    lines = [f"Scale {document['scale']}: "
             + ", ".join(f"{k} {v}" for k, v in document["workload"].items()),
             f"{'operation':<42}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}"
             f"{'budget':>9}  status"]
    for section in SECTIONS:
        for op, r in document.get(section, {}).items():
            budget = r["budget_ms"]
            over = budget is not None and _budgeted(r) > budget
            status = "OVER BUDGET" if over else ("ok" if budget is not None else "")
            budget_text = "" if budget is None else f"{budget:g}"
            lines.append(f"{_label(op, r):<42}{r['n']:>6}{r['p50_ms']:>10.2f}"
                         f"{r['p95_ms']:>10.2f}{r['max_ms']:>10.2f}{budget_text:>9}  {status}")
    lines.append("Encrypted / plain (p50, warm cache; DESIGN: within 1.3x overall):")
    for op, ratio in document["cipher_over_plain"].items():
        flag = "  ABOVE 1.3x" if op == "overall" and ratio > 1.3 else ""
        lines.append(f"  {op:<40}{ratio:>6.2f}x{flag}")
    lines.extend(gui_notes(document.get("gui_detail", {})))
    lines.extend(backup_notes(document.get("backup_detail", {})))
    lines.extend(drugs.notes(document.get("drugs_detail", {})))
    return "\n".join(lines)


def backup_overruns(detail: dict[str, Any]) -> list[str]:
    """The backup's budgets that are not times: the full backup's ratio, the bytes written."""
    if not detail:
        return []
    ratio, increment = detail["first_full_over_plain_copy"], detail["incremental"]
    return ([f"backup_first_full (ratio {ratio['ratio_p50']}x)"]
            if ratio["ratio_p50"] > ratio["budget_ratio"] else []) + \
        ([f"backup_incremental ({increment['bytes_written']} bytes)"]
         if increment["bytes_written"] > increment["budget_bytes"] else [])


def backup_notes(detail: dict[str, Any]) -> list[str]:
    """The first full backup beside the plain copy of the same run, and the increment's size."""
    if not detail:
        return []
    ratio, increment = detail["first_full_over_plain_copy"], detail["incremental"]
    over = increment["bytes_written"] > increment["budget_bytes"]
    return [f"First full backup / plain fsync'd copy (p50): {ratio['backup_p50_ms']:.0f} ms / "
            f"{ratio['plain_copy_p50_ms']:.0f} ms = {ratio['ratio_p50']:.2f}x "
            f"(budget {ratio['budget_ratio']}x) of {detail['vault_bytes'] / 1e6:.1f} MB",
            f"Incremental after a day's work: {increment['bytes_written'] / 1e6:.1f} MB written "
            f"(budget {increment['budget_bytes'] / 1e6:.0f} MB)"
            + ("  OVER BUDGET" if over else "")]


def gui_notes(detail: dict[str, Any]) -> list[str]:
    """Where the longest stalls happened, and what the lock screen loaded too early."""
    lines = []
    if "cold_start" in detail:
        early = detail["cold_start"]["should_be_lazy_but_loaded"]
        lines.append("Loaded before the lock screen's first paint (import ms under "
                     "-X importtime, via):" + ("  SHOULD BE LAZY: " + ", ".join(early)
                                               if early else ""))
        lines.extend(f"  {name:<20}{cost.get('import_ms', '?'):>8}  "
                     + ", ".join(cost.get("via", []))
                     for name, cost in detail["cold_start"]["third_party_loaded"].items())
    if "event_loop_stall" in detail:
        stalls = detail["event_loop_stall"]
        lines.append(f"Longest event-loop stall by step ({stalls['platform']} Qt):")
        lines.extend(f"  {ms:>8.1f} ms  {step}"
                     for step, ms in list(stalls["longest_by_step_ms"].items())[:8])
        if stalls.get("none_refs_dropped_per_qt_call"):
            lines.append("WARNING: each Qt call returning void drops a reference to None "
                         f"({stalls['none_refs_dropped_per_qt_call']} per call): the app aborts "
                         "('none_dealloc') after a few thousand calls (PySide6 6.12.0 on "
                         "Python 3.11)")
    return lines


def budget_overruns(document: dict[str, Any]) -> list[str]:
    """Operations whose budgeted statistic (p95, or max for stalls) exceeds their budget."""
    return [_label(op, r) for section in SECTIONS for op, r in document.get(section, {}).items()
            if r["budget_ms"] is not None and _budgeted(r) > r["budget_ms"]] + \
        backup_overruns(document.get("backup_detail", {})) + \
        drugs.overruns(document.get("drugs_detail", {}))


def against_baseline(document: dict[str, Any], baseline: dict[str, Any]) -> str:
    """Each operation's p95 against the baseline's, flagging slow-downs beyond 25 %.

    Sub-millisecond operations swing by more than 25 % with the scheduler alone, so a
    slow-down of less than half a millisecond is flagged as probable noise, not hidden.
    Operations budgeted on another statistic (the longest stall) are compared on it. A
    section this run did not measure (no --gui) is left out.
    """
    warning = "" if baseline.get("scale") == document["scale"] else \
        " -- WARNING: another scale, not comparable"
    lines = [f"Against the baseline ({baseline.get('scale')}, "
             f"{baseline.get('machine', {}).get('cpu_count')} CPU){warning}:",
             f"{'operation':<42}{'base p95':>10}{'now p95':>10}{'change':>9}"]
    for section in SECTIONS:
        if section not in document:
            continue
        old = baseline.get(section, {})
        for op, r in document[section].items():
            if op not in old:
                lines.append(f"{_label(op, r):<42}{'-':>10}{_budgeted(r):>10.2f}{'new':>9}")
                continue
            before, now = _budgeted(old[op]), _budgeted(r)
            change = (now - before) / before if before else 0.0
            flag = ""
            if change > REGRESSION_THRESHOLD:
                probable_noise = now - before < NOISE_FLOOR_MS
                flag = "  regression? (< 0.5 ms: likely noise)" if probable_noise \
                    else "  REGRESSION"
            lines.append(f"{_label(op, r):<42}{before:>10.2f}{now:>10.2f}{change:>+9.0%}{flag}")
        lines.extend(f"{op:<42}{'(no longer measured)':>29}" for op in old
                     if op not in document[section])
    return "\n".join(lines)
