"""The JSON result file, the table a person reads, and the comparison with a baseline.

Nothing here fails the run: a regression or a missed budget is flagged in the output for a
person to judge (a noisy neighbour on a shared machine is not a regression).
"""

import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.scales import Scale
from benchmarks.timing import Stats

REGRESSION_THRESHOLD = 0.25
NOISE_FLOOR_MS = 0.5  # a slower p95 by less than this is flagged as probable noise


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


def machine(sqlcipher_version: str, sqlite_version: str) -> dict[str, Any]:
    """What the numbers depend on besides the code."""
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "sqlcipher": sqlcipher_version, "sqlite": sqlite_version,
            "platform": platform.platform()}


def to_json(run: Run) -> dict[str, Any]:
    """The result file's content."""
    return {
        "scale": run.scale.name,
        "machine": run.machine,
        "workload": run.workload,
        "generation_seconds": round(run.generation_seconds, 2),
        "results": {
            op: {"p50_ms": round(s.p50, 3), "p95_ms": round(s.p95, 3), "max_ms": round(s.max, 3),
                 "n": s.n, "budget_ms": run.scale.budget_for(op)}
            for op, s in run.results.items()
        },
        "cipher_over_plain": {op: round(r, 3) for op, r in run.cipher_over_plain.items()},
        "cipher_over_plain_detail": run.cipher_detail,
    }


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
    for op, r in document["results"].items():
        budget = r["budget_ms"]
        over = budget is not None and r["p95_ms"] > budget
        status = "OVER BUDGET" if over else ("ok" if budget is not None else "")
        lines.append(f"{op:<42}{r['n']:>6}{r['p50_ms']:>10.2f}{r['p95_ms']:>10.2f}"
                     f"{r['max_ms']:>10.2f}{'' if budget is None else f'{budget:g}':>9}  {status}")
    lines.append("Encrypted / plain (p50, warm cache; DESIGN: within 1.3x overall):")
    for op, ratio in document["cipher_over_plain"].items():
        flag = "  ABOVE 1.3x" if op == "overall" and ratio > 1.3 else ""
        lines.append(f"  {op:<40}{ratio:>6.2f}x{flag}")
    return "\n".join(lines)


def budget_overruns(document: dict[str, Any]) -> list[str]:
    """Operations whose p95 exceeds their budget."""
    return [op for op, r in document["results"].items()
            if r["budget_ms"] is not None and r["p95_ms"] > r["budget_ms"]]


def against_baseline(document: dict[str, Any], baseline: dict[str, Any]) -> str:
    """Each operation's p95 against the baseline's, flagging slow-downs beyond 25 %.

    Sub-millisecond operations swing by more than 25 % with the scheduler alone, so a
    slow-down of less than half a millisecond is flagged as probable noise, not hidden.
    """
    warning = "" if baseline.get("scale") == document["scale"] else \
        " -- WARNING: another scale, not comparable"
    lines = [f"Against the baseline ({baseline.get('scale')}, "
             f"{baseline.get('machine', {}).get('cpu_count')} CPU){warning}:",
             f"{'operation':<42}{'base p95':>10}{'now p95':>10}{'change':>9}"]
    old = baseline.get("results", {})
    for op, r in document["results"].items():
        if op not in old:
            lines.append(f"{op:<42}{'-':>10}{r['p95_ms']:>10.2f}{'new':>9}")
            continue
        before, now = old[op]["p95_ms"], r["p95_ms"]
        change = (now - before) / before if before else 0.0
        flag = ""
        if change > REGRESSION_THRESHOLD:
            probable_noise = now - before < NOISE_FLOOR_MS
            flag = "  regression? (< 0.5 ms: likely noise)" if probable_noise else "  REGRESSION"
        lines.append(f"{op:<42}{before:>10.2f}{now:>10.2f}{change:>+9.0%}{flag}")
    lines.extend(f"{op:<42}{'(no longer measured)':>29}" for op in old
                 if op not in document["results"])
    return "\n".join(lines)
