"""The day's list of appointments, printed for the desk: time, patient, type, status.

The reason of each appointment stays out of it: the sheet lies on a desk others pass by.
"""

import datetime as dt
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from cabinet.documents import fonts
from cabinet.documents.layout import SMALL, Document, Letterhead, text
from cabinet.domain.agenda import STATUS_LABELS, Appointment, french_day

COLUMNS = ("Heure", "Durée", "Patient", "Type", "Statut")


def day_list_document(letterhead: Letterhead, day: dt.date, closed: str | None,
                      appointments: Sequence[Appointment]) -> Document:
    """The day's appointments in time order, with why the practice is closed if it is."""
    rows = [[f"{a.start:%H:%M}", f"{a.minutes} min", a.patient_name, a.type_name,
             STATUS_LABELS[a.status]] for a in appointments]
    table = Table([[text(c, SMALL) for c in COLUMNS], *rows], repeatRows=1,
                  colWidths=(16 * mm, 16 * mm, None, 45 * mm, 20 * mm))
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), ("FONTSIZE", (0, 1), (-1, -1), 9),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    said = f"{len(appointments)} rendez-vous" + (f" — {closed}" if closed else "")
    body: list[Flowable] = [text(said), table]
    return Document(f"Rendez-vous du {french_day(day)}", letterhead, "", body,
                    subject="Liste du jour")
