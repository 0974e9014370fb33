"""The agenda (issue 17): five years of appointments, the week view, the iCalendar export.

The appointments are written once into the benchmark vault, in one transaction straight
through the agenda store (the practice's five years, not the journaling of each booking, are
what is measured): about 30,000 at « large », in proportion elsewhere, every working day of
2022–2026 from 8:30, twenty minutes apart, in every type and status. Then the window is measured as
the physician uses it, offscreen: the week view painted from the day view (W), and the next
week (Page suivante), each a journaled read of the week and its repaint; and the whole
agenda exported as iCalendar through `AgendaService`.
"""

import datetime as dt
import os
import random
import time
from typing import Any

from benchmarks.scales import Scale
from benchmarks.timing import Stats, time_calls, timed
from cabinet.bootstrap import AppContext
from cabinet.services.agenda_ports import AppointmentRow
from cabinet.vault.agenda_store import SqlAgendaStore

APPOINTMENTS_AT_LARGE = 30_000
YEARS = range(2022, 2027)
MEASURED_WEEK = dt.date(2026, 6, 15)
VIEW_ROUNDS = 30
EXPORT_ROUNDS = 3
TYPES = (("Consultation", 20), ("Consultation longue", 40), ("Suivi court", 15),
         ("Visite à domicile", 30))
STATUSES = ("vu", "vu", "vu", "vu", "absent", "annule", "prevu")


def appointments_for(scale: Scale) -> int:
    """30,000 appointments at « large », in proportion to the patients elsewhere."""
    return APPOINTMENTS_AT_LARGE * scale.size.patients // 20_000


def populate(ctx: AppContext, count: int, seed: int) -> int:
    """Write `count` appointments once (a vault holding them is reused); how many it holds."""
    conn = ctx.vault.conn
    held = int(conn.execute("SELECT count(*) FROM appointment").fetchone()[0])
    if held >= count:
        return held
    patients = [r[0] for r in conn.execute("SELECT id FROM patient ORDER BY id LIMIT 5000")]
    days = [d for d in (dt.date(YEARS[0], 1, 1) + dt.timedelta(days=n)
                        for n in range((dt.date(YEARS[-1], 12, 31)
                                        - dt.date(YEARS[0], 1, 1)).days + 1))
            if d.weekday() < 5]
    rng = random.Random(seed)
    store = SqlAgendaStore(conn)
    taken: dict[dt.date, int] = {}
    with ctx.vault.store.transaction():
        for index in range(count - held):
            day = days[index * len(days) // count]  # spread evenly over the five years
            taken[day] = slot = taken.get(day, -1) + 1
            start = dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(minutes=20 * slot)
            name, minutes = rng.choice(TYPES)
            store.add_appointment(AppointmentRow(
                0, rng.choice(patients), name, start.isoformat(timespec="minutes"), minutes,
                "Renouvellement" if rng.random() < 0.3 else "", rng.choice(STATUSES), "", ""),
                "bench", start.isoformat())
    return count


def measure(ctx: AppContext, scale: Scale, seed: int) -> tuple[dict[str, Stats], dict[str, Any]]:
    """The week view painted (from the day, then the next week) and the iCalendar export."""
    held, seconds = timed(lambda: populate(ctx, appointments_for(scale), seed))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from cabinet.ui.agenda.agenda_window import AgendaWindow

    app = QApplication.instance() or QApplication([])
    window = AgendaWindow(ctx, lambda patient, reason: False)
    window.show()
    app.processEvents()

    def painted() -> None:
        window.grid.viewport().repaint()

    def week_from_day() -> None:
        window.day, window.week_view = MEASURED_WEEK, False
        window.refresh()
        painted()
        start = time.perf_counter()
        window.toggle_week()
        painted()
        week_times.append((time.perf_counter() - start) * 1000.0)

    def next_week() -> None:
        window.step(1)
        painted()

    week_times: list[float] = []
    for _ in range(VIEW_ROUNDS):
        week_from_day()
    window.day, window.week_view = MEASURED_WEEK, True
    window.refresh()
    next_week()  # warm-up
    results = {
        "agenda_week_view": Stats(tuple(week_times)),
        "agenda_next_week": time_calls(next_week for _ in range(VIEW_ROUNDS)),
        "agenda_icalendar_export": time_calls(ctx.agenda.export_calendar
                                              for _ in range(EXPORT_ROUNDS)),
    }
    shown = sum(len(d.appointments) for d in ctx.agenda.week(MEASURED_WEEK))
    window.close()
    calendar = ctx.agenda.export_calendar()
    return results, {"appointments": held, "appointments_written_seconds":
                     round(seconds / 1000, 2), "measured_week": MEASURED_WEEK.isoformat(),
                     "week_appointments": shown, "icalendar_bytes": len(calendar)}
