"""Lab results (issue 18): importing 1,000 HPRIM files, painting a 5,000-value results table.

The files are written by the tests' own HPRIM writer (`tests/helpers/hprim_files.py`) into a
fresh reception folder, for a patient created for the run (a reused vault gets a new one each
time: the same files twice would be received once). The import is timed whole, as the window
runs it: read the folder, receive each file in its own transaction, remove it. The table is a
second patient's ten years of monthly reports (42 analytes each, about 5,000 values) painted
in the record's « Résultats » tab, offscreen (`results_table_paint`: the values handed to the
table and painted, the budget); `results_tab_open` adds reading them through the service,
journal event and commit included, and drawing the first analyte's curve.
"""

import datetime as dt
import os
import secrets
import string
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.card_stack import tests_helper
from benchmarks.timing import Stats, time_calls, timed
from cabinet.bootstrap import AppContext
from cabinet.domain.identity import Identity, Sex
from cabinet.exchange import reception
from cabinet.services.results import import_arrivals

IMPORTED_FILES = 1_000
TABLE_REPORTS = 120  # ten years, monthly
TABLE_ANALYTES = 42
PAINT_ROUNDS = 20


def _patient(ctx: AppContext, token: str) -> int:
    return ctx.patients.create(Identity(birth_name=token, first_names="Paul", sex=Sex.MALE,
                                        birth_date=dt.date(1958, 4, 2)))


def _token() -> str:
    return "Bench" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


def _import(ctx: AppContext, folder: Path) -> tuple[dict[str, Stats], dict[str, Any]]:
    files = tests_helper("hprim_files")
    token = _token()
    _patient(ctx, token)
    first = dt.date(2026, 11, 2)
    for number in range(IMPORTED_FILES):
        day = first - dt.timedelta(days=7 * number)
        files.drop(folder, f"res{number:04d}.hpr", files.HprimFile(
            last_name=token.upper(), first_name="PAUL", birth_date="02/04/1958",
            sampled_on=f"{day:%d/%m/%Y}").encoded())
    summary, ms = timed(lambda: import_arrivals(
        ctx.results, reception.arrivals(folder, settled_seconds=0)))
    return {"results_import_1000": Stats((ms,))}, {
        "files": IMPORTED_FILES, "filed": summary.filed, "pending": summary.pending,
        "per_file_ms": round(ms / IMPORTED_FILES, 2)}


def _table(ctx: AppContext) -> tuple[dict[str, Stats], dict[str, Any]]:
    files = tests_helper("hprim_files")
    token = _token()
    patient = _patient(ctx, token)
    analytes = tuple((f"Analyte {n}", f"A{n:02d}", "N", f"{4 + n % 3},{n % 10}", "mmol/L",
                      "3,5", "5,0", "") for n in range(TABLE_ANALYTES))
    for month in range(TABLE_REPORTS):
        year, index = divmod(2026 * 12 + 10 - month, 12)
        ctx.results.receive(f"t{month}.hpr", files.HprimFile(
            last_name=token.upper(), first_name="PAUL", birth_date="02/04/1958",
            sampled_on=f"05/{index + 1:02d}/{year}", results=analytes, comments=()).encoded())
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from cabinet.ui.results.results_tab import ALL, ResultsTab

    app = QApplication.instance() or QApplication([])
    tab = ResultsTab(lambda: ctx)
    tab.resize(1366, 700)
    tab.show()
    app.processEvents()

    def open_tab() -> None:
        tab.load(patient, [])
        tab.choose(ALL)
        tab.table.viewport().repaint()

    def paint() -> None:
        tab.model.set_values(values)
        tab.table.viewport().repaint()

    open_tab()  # warm-up
    values = ctx.results.values(patient)
    results = {"results_tab_open": time_calls(open_tab for _ in range(PAINT_ROUNDS)),
               "results_table_paint": time_calls(paint for _ in range(PAINT_ROUNDS))}
    tab.close()
    return results, {"table_values": len(values)}


def measure(ctx: AppContext) -> tuple[dict[str, Stats], dict[str, Any]]:
    """Import 1,000 files, then paint the 5,000-value table."""
    with tempfile.TemporaryDirectory(prefix="cabinet-bench-reception-") as folder:
        imported, detail = _import(ctx, Path(folder))
    painted, table_detail = _table(ctx)
    return {**imported, **painted}, {**detail, **table_detail}
