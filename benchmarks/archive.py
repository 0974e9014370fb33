"""The portability archive at scale: export the whole practice, check it, import it (DESIGN §6).

Each step runs in a fresh process (`python -m benchmarks.archive STEP …`) so its memory is
its own: the budget is < 5 min and < 400 MB for the export and for the import. The export
has worker processes (the PDF renderings), so memory is sampled every half second over the
whole process tree: the peak of the summed resident sizes (RSS, which counts shared library
pages once per process) and of the summed proportional sizes (PSS, which shares them out:
the memory the machine actually gives the export). Linux only, like the rest of the bench.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.timing import Stats

MEMORY_BUDGET_MB = 400.0


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += _tree(int(child))
    return found


def _tree_mb() -> tuple[float, float]:
    """(RSS, PSS) of this process and its descendants, in MB."""
    rss = pss = 0
    for pid in _tree(os.getpid()):
        try:
            lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:  # a worker that just ended
            continue
        for line in lines:
            name, _, value = line.partition(":")
            if name == "Rss":
                rss += int(value.split()[0])
            elif name == "Pss":
                pss += int(value.split()[0])
    return rss / 1024, pss / 1024


class _Sampler(threading.Thread):
    """Keeps the highest memory of the process tree while a step runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stopped = threading.Event()
        self.rss = self.pss = 0.0

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            rss, pss = _tree_mb()
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)


def _export(vault: Path, media: Path) -> dict[str, Any]:
    from benchmarks.workload import open_context
    from cabinet.archive.container import Recipient
    from cabinet.documents.demo_certificate import demo_signer
    from cabinet.exchange.staging import CancelToken
    from cabinet.services.issuing import Output
    from cabinet.services.portability.export import Selection

    ctx = open_context(vault)
    recipient = Recipient.new_passphrase()
    try:
        started = time.perf_counter()
        result = ctx.archive_exporter.export(Selection("MASSIF"), recipient,
                                             Output(demo_signer(), media, CancelToken()))
        seconds = time.perf_counter() - started
    finally:
        ctx.lock()
    return {"seconds": seconds, "path": result.path, "passphrase": recipient.passphrase,
            "patients": result.patients, "bytes": result.size}


def _import(archive: Path, passphrase: str, target: Path) -> dict[str, Any]:
    from benchmarks.workload import BENCH_OWNER
    from cabinet.archive.container import key_opener
    from cabinet.archive.reader import ArchiveReader
    from cabinet.bootstrap import build_context
    from cabinet.domain.clock import SystemClock
    from cabinet.vault.session import create_vault

    clock = SystemClock()
    opened, _ = create_vault(target, BENCH_OWNER, clock, "banc-d-essai", demo_vault=True)
    ctx = build_context(opened, clock)
    try:
        started = time.perf_counter()
        reader = ArchiveReader.open(archive, key_opener(passphrase=passphrase))
        prepared = ctx.archive_importer.prepare(reader)
        checked = time.perf_counter() - started
        counts = ctx.archive_importer.run(reader, prepared)
        reader.close()
        seconds = time.perf_counter() - started
    finally:
        ctx.lock()
    return {"seconds": seconds, "check_seconds": checked, **counts}


def _step(argv: list[str]) -> None:
    """Run one step in this process and print its figures as JSON."""
    step = argv[0]
    sampler = _Sampler()
    sampler.start()
    if step == "export":
        figures = _export(Path(argv[1]), Path(argv[2]))
    else:
        figures = _import(Path(argv[1]), argv[2], Path(argv[3]))
    sampler.stopped.set()
    figures["main_peak_mb"] = _peak_mb(resource.RUSAGE_SELF)
    figures["worker_peak_mb"] = _peak_mb(resource.RUSAGE_CHILDREN)
    figures["tree_peak_rss_mb"] = sampler.rss
    figures["tree_peak_pss_mb"] = sampler.pss
    print(json.dumps(figures))


def _run(*args: str) -> dict[str, Any]:
    output = subprocess.run(  # noqa: S603 - this interpreter, our own benchmark
        [sys.executable, "-m", "benchmarks.archive", *args], capture_output=True, text=True,
        check=True, timeout=3600).stdout
    figures: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return figures


def measure(vault: Path, workdir: Path) -> tuple[dict[str, Stats], dict[str, Any]]:
    """Export then import once; timings as `Stats`, the rest as detail for the report."""
    media = workdir / "archive-media"
    shutil.rmtree(media, ignore_errors=True)
    media.mkdir(parents=True)
    exported = _run("export", str(vault), str(media))
    target = workdir / "archive-import"
    shutil.rmtree(target, ignore_errors=True)
    imported = _run("import", exported["path"], exported["passphrase"], str(target))
    shutil.rmtree(media, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    detail = {
        "export": {k: v for k, v in exported.items() if k not in ("path", "passphrase")},
        "import": imported,
        "export_memory_pss_mb": exported["tree_peak_pss_mb"],
        "import_memory_pss_mb": imported["tree_peak_pss_mb"],
        "memory_budget_mb": MEMORY_BUDGET_MB,
    }
    results = {"archive_export": Stats((exported["seconds"] * 1000,)),
               "archive_import": Stats((imported["seconds"] * 1000,))}
    return results, detail


if __name__ == "__main__":
    _step(sys.argv[1:])
