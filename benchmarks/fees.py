"""Fees and the receipts ledger (issue 17): five years of acts, the year's totals and CSV.

The acts are written once into the benchmark vault, in one transaction straight through the
fee store (a practice's five years, not the services' journaling of each, are what is being
measured): about 30,000 at « large », in proportion at the other scales, on encounters of the
vault's patients, every working day of 2022–2026, paid in every method, a third with tiers
payant (most of it arrived). Then every measure goes through `FeeService`, as the window does.
"""

import datetime as dt
import random
from typing import Any

from benchmarks.scales import Scale
from benchmarks.timing import Stats, time_calls, timed
from cabinet.bootstrap import AppContext
from cabinet.domain.fees import FeeInput
from cabinet.services.ledger_files import ledger_csv
from cabinet.services.ports import NewFee, ReceiptRow
from cabinet.vault.fees_store import SqlFeeStore

ACTS_AT_LARGE = 30_000
YEARS = range(2022, 2027)
MEASURED_YEAR = 2026
TOTALS_ROUNDS = 50
CSV_ROUNDS = 5
RECORD_ROUNDS = 50
METHODS = ("cash", "cheque", "card", "card", "transfer")


def acts_for(scale: Scale) -> int:
    """30,000 acts at « large », in proportion to the patients elsewhere."""
    return ACTS_AT_LARGE * scale.size.patients // 20_000


def working_days() -> list[dt.date]:
    """Monday to Friday of the five years."""
    day, last = dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31)
    found = []
    while day <= last:
        if day.weekday() < 5:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def populate(ctx: AppContext, count: int, seed: int) -> int:
    """Write `count` acts once (a vault that has them already is reused); how many it holds."""
    conn = ctx.vault.conn
    held = int(conn.execute("SELECT count(*) FROM fee").fetchone()[0])
    if held >= count:
        return held
    encounters = conn.execute(
        "SELECT e.lineage, e.patient_id, p.display_name FROM entry e JOIN patient_index p "
        "ON p.patient_id = e.patient_id WHERE e.kind = 'encounter' AND e.version = 1 "
        "LIMIT ?", (count,)).fetchall()
    rng = random.Random(seed)
    days = working_days()
    store = SqlFeeStore(conn)
    with ctx.vault.store.transaction():
        for index in range(count - held):
            lineage, patient, payer = encounters[index % len(encounters)]
            day = days[index * len(days) // count].isoformat()
            third_party = 2100 if rng.random() < 0.33 else 0
            fee = store.add_fee(NewFee(patient, lineage, day, "metropole",
                                       [{"code": "G", "quantity": 1, "cents": 3000}], 3000,
                                       third_party, "Assurance maladie", day, "bench"))
            method = rng.choice(METHODS)
            store.add_receipt(ReceiptRow(0, day, fee, "patient", payer, method,
                                         str(rng.randrange(10**6, 10**7))
                                         if method == "cheque" else "",
                                         3000 - third_party, None, day, "bench"))
            if third_party and rng.random() < 0.95:
                store.add_receipt(ReceiptRow(0, day, fee, "insurer", "Assurance maladie",
                                             "transfer", "", third_party, None, day, "bench"))
    return count


def measure(ctx: AppContext, scale: Scale, seed: int) -> tuple[dict[str, Stats], dict[str, Any]]:
    """The year's totals and CSV, a day's ledger window, the tiers payant expected, and
    recording one encounter's fee."""
    held, seconds = timed(lambda: populate(ctx, acts_for(scale), seed))
    fees = ctx.fees
    since, until = dt.date(MEASURED_YEAR, 1, 1), dt.date(MEASURED_YEAR, 12, 31)
    day = dt.date(MEASURED_YEAR, 6, 15)

    def day_window() -> None:
        fees.ledger(day, day)
        fees.totals(day, day)
        fees.totals(day.replace(day=1), day.replace(day=30), "month")
        fees.deposit_slip(day, day)

    def year_csv() -> bytes:
        return ledger_csv(fees.ledger(since, until))

    encounter, dated = ctx.vault.conn.execute(
        "SELECT lineage, effective_date FROM entry WHERE kind = 'encounter' LIMIT 1").fetchone()
    price = fees.quote(FeeInput((("G", 1),)), dt.date.fromisoformat(dated[:10])).total_cents
    year_csv()  # warm-up
    results = {
        "fees_year_totals": time_calls(lambda: fees.totals(since, until, "month")
                                       for _ in range(TOTALS_ROUNDS)),
        "fees_year_totals.by_day": time_calls(lambda: fees.totals(since, until)
                                              for _ in range(TOTALS_ROUNDS)),
        "fees_year_csv": time_calls(year_csv for _ in range(CSV_ROUNDS)),
        "fees_day_window": time_calls(day_window for _ in range(TOTALS_ROUNDS)),
        "fees_insurer_expected": time_calls(fees.insurer_expected
                                            for _ in range(TOTALS_ROUNDS)),
        "fees_record": time_calls(
            lambda: fees.record(encounter, FeeInput((("G", 1),), price, "card"))
            for _ in range(RECORD_ROUNDS)),
    }
    year_lines = len(fees.ledger(since, until))
    return results, {"acts": held, "acts_written_seconds": round(seconds / 1000, 2),
                     "measured_year": MEASURED_YEAR, "year_ledger_lines": year_lines}
