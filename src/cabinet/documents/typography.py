"""French typography for printed documents: non-breaking spaces, dates written out.

The bundled font has no narrow no-break space (U+202F), so the ordinary no-break space
stands in for it before « ; : ! ? » and inside guillemets.
"""

import datetime as dt
import re

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
NBSP = "\u00a0"


def french(text: str) -> str:
    """`text` with French spacing: no line break before ; : ! ? » or after «."""
    text = text.replace("\u202f", NBSP)
    text = re.sub(r"[ \t]+([;:!?»])", NBSP + r"\1", text)
    return re.sub(r"«[ \t]+", "«" + NBSP, text)


def long_date(day: dt.date) -> str:
    """'1er mars 2026', as a French letter writes it."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def date_and_time(moment: dt.datetime) -> str:
    """'1er mars 2026 à 14 h 05' in the workstation's time zone."""
    local = moment.astimezone()
    return f"{long_date(local.date())} à {local.hour} h {local.minute:02d}"
