"""The command line: build or reuse the workload, measure, write JSON, print, compare.

    uv run python -m benchmarks --scale small|large|huge --json PATH
                                [--baseline FILE] [--workdir DIR] [--gui] [--archive] [--backup]
                                [--drugs] [--fees] [--agenda] [--results]
                                [--writing] [--erasure] [--retention]

Always exits 0 once measuring is done: benchmarks inform, they do not gate.
"""

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlcipher3

from benchmarks import cipher, measures, report
from benchmarks.queries import search_mix
from benchmarks.scales import GUARD_ROUNDS, SCALES, SIGNED_PDF_ROUNDS, Scale
from benchmarks.timing import Stats
from benchmarks.workload import SEED, Workload, default_workdir, open_context, prepare
from cabinet.bootstrap import AppContext

PACKAGE_DIR = Path(__file__).resolve().parent
PLAIN_COPY_NAME = "plain.db"
BACKUP_ROUNDS = 3  # full backups and plain copies, alternated
OPTIONS = {  # each option measures one part more, only when asked
    "gui": "also measure the GUI: cold start, unlock, event-loop stalls",
    "archive": "also export and import the whole practice as a portability archive (minutes at "
               "large)",
    "backup": "also measure backups: first full one beside a plain fsync'd copy, a day's "
              "increment, verification, restore",
    "drugs": "also measure the drug base: importing the whole BDPM release (time, peak memory) "
             "and searching it as typed",
    "fees": "also measure fees: five years of acts, the year's ledger totals and CSV",
    "results": "also measure lab results: importing 1,000 HPRIM files, the 5,000-value results "
               "table painted",
    "writing": "also measure templates: a certificate and a letter previewed",
    "erasure": "also measure erasure: entries on request, records destroyed, and one VACUUM for "
               "comparison (the vault loses them)",
    "retention": "also measure the daily retention pass over the whole practice and the review's "
                 "proposals (the vault's old records archived)",
    "agenda": "also measure the agenda: five years of appointments, the week view painted, the "
              "iCalendar export",
}


def say(message: str) -> None:
    """Progress goes to stderr so stdout carries only the report."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line's grammar."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="Measure Cabinet against its budgets.")
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--json", type=Path, required=True, help="where to write the results")
    parser.add_argument("--baseline", type=Path,
                        help="results to compare with (default: benchmarks/baseline-<scale>.json)")
    parser.add_argument("--workdir", type=Path,
                        help="where the vault is built and kept (default: "
                             "<temp>/cabinet-bench-<scale>)")
    for option, says in OPTIONS.items():
        parser.add_argument(f"--{option}", action="store_true", help=says)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks of one scale; 0 even when budgets are missed."""
    args = parse_args(argv)
    scale = SCALES[args.scale]
    baseline_path = args.baseline or PACKAGE_DIR / f"baseline-{scale.name}.json"
    baseline = report.load_baseline(baseline_path)  # read first: --json may overwrite it
    workdir = args.workdir or default_workdir(scale)
    started = time.perf_counter()
    workload = prepare(workdir, scale, say)
    run = measure(scale, workload, workdir)
    if args.gui:
        from benchmarks import gui  # Qt is loaded only when the GUI is measured

        measured = gui.measure(workload.vault_folder, workload.record_patient_id, say)
        run = dataclasses.replace(run, gui=measured.results, gui_detail=measured.detail)
    if args.archive:
        from benchmarks import archive

        say("Exporting and importing the portability archive")
        timings, detail = archive.measure(workload.vault_folder, workdir)
        run = dataclasses.replace(run, results={**run.results, **timings},
                                  archive_detail=detail)
    if args.backup:
        from benchmarks import backup

        say("Backing up, verifying and restoring the vault")
        run = measured_in_vault(run, workload, "backup_detail", lambda ctx: backup.measure(
            ctx, workdir, workload.record_patient_id, BACKUP_ROUNDS))
    if args.drugs:
        from benchmarks import drugs

        say("Importing and searching the drug base")
        timings, detail = drugs.measure(workdir)
        run = dataclasses.replace(run, results=dict(sorted({**run.results, **timings}.items())),
                                  drugs_detail=detail)
    if args.fees:
        from benchmarks import fees

        say("Measuring fees and the receipts ledger")
        run = measured_in_vault(run, workload, "fees_detail",
                                lambda ctx: fees.measure(ctx, scale, SEED))
    if args.agenda:
        from benchmarks import agenda

        say("Measuring the agenda")
        run = measured_in_vault(run, workload, "agenda_detail",
                                lambda ctx: agenda.measure(ctx, scale, SEED))
    if args.results:
        from benchmarks import results

        say("Measuring lab results")
        run = measured_in_vault(run, workload, "results_detail", results.measure)
    if args.writing:
        from benchmarks import writing

        say("Measuring the templates' preview")
        run = measured_in_vault(run, workload, "writing_detail",
                                lambda ctx: writing.measure(ctx, workload.record_patient_id))
    if args.erasure:
        from benchmarks import erasure

        say("Measuring erasure")
        run = measured_in_vault(run, workload, "erasure_detail", erasure.measure)
    if args.retention:
        from benchmarks import retention

        say("Measuring the retention pass")
        run = measured_in_vault(run, workload, "retention_detail", retention.measure)
    document = report.to_json(run)
    report.write(args.json, document)
    print(report.table(document))
    if baseline is not None:
        print(report.against_baseline(document, baseline))
    overruns = report.budget_overruns(document)
    if overruns:
        print("Budgets missed: " + ", ".join(overruns))
    say(f"Done in {time.perf_counter() - started:.1f} s; results in {args.json}")
    return 0


def measure(scale: Scale, workload: Workload, workdir: Path) -> report.Run:
    """Every measure of one scale, on the prepared vault."""
    say("Measuring vault opening")
    results: dict[str, Stats] = measures.vault_open(workload.vault_folder, scale.vault_opens)
    ctx = open_context(workload.vault_folder)
    try:
        searches = search_mix(ctx.vault.conn, scale.searches, SEED)
        say("Measuring patient search")
        results.update(measures.patient_search(ctx, searches))
        say("Measuring record opening")
        results.update(measures.open_record(ctx, workload.record_patient_id,
                                            scale.record_opens))
        say("Measuring full-text search")
        results.update(measures.full_text(ctx, scale.full_text_rounds,
                                          workload.record_patient_id))
        say("Measuring inserts")
        results.update(measures.insert(ctx, scale.inserts, SEED))
        say("Measuring the signed PDF of a 200-encounter record")
        results.update(measures.signed_record_pdf(ctx, workload.record_patient_id,
                                                  SIGNED_PDF_ROUNDS))
        say("Measuring the integrity guard at start-up")
        results.update(measures.guard_start(GUARD_ROUNDS))
        say("Measuring the cost of one password guess")
        results.update(measures.password_guess())
        say("Comparing with a plaintext copy")
        comparison = cipher.compare(ctx, workdir / PLAIN_COPY_NAME, searches,
                                    workload.record_patient_id, scale.cipher_rounds, SEED)
        versions = ctx.vault.conn.execute("PRAGMA cipher_version").fetchone()[0]
        counts = workload_counts(ctx, workload)
    finally:
        ctx.lock()
    return report.Run(
        scale=scale, machine=report.machine(str(versions), sqlcipher3.sqlite_version),
        workload=counts, generation_seconds=workload.generation_seconds,
        results=dict(sorted(results.items())), cipher_over_plain=comparison.ratios,
        cipher_detail=comparison.as_json())


def measured_in_vault(run: report.Run, workload: Workload, detail_name: str,
                      measure: Callable[[AppContext], tuple[dict[str, Any], Any]]) -> report.Run:
    """`run` with what `measure` timed in the opened vault added.

    The measure's detail goes to `detail_name` (`backup_detail`, `fees_detail`…).
    """
    ctx = open_context(workload.vault_folder)
    try:
        timings, detail = measure(ctx)
    finally:
        ctx.lock()
    return dataclasses.replace(run, results=dict(sorted({**run.results, **timings}.items())),
                               **{detail_name: detail})


def workload_counts(ctx: AppContext, workload: Workload) -> dict[str, Any]:
    """What the vault holds when measured (counted last so it does not warm the cache)."""
    counts: dict[str, Any] = dict(ctx.vault.store.counts())
    size = ctx.vault.layout.database.stat().st_size
    counts["vault_megabytes"] = round(size / 2**20, 1)
    counts["workload_reused"] = workload.reused
    counts["record_patient_id"] = workload.record_patient_id
    return counts
