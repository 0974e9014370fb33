"""What the base precomputes from the BDPM's raw columns, so that reading it stays a lookup.

The units in a box come from the presentation's label, the only place the BDPM states them
(« 3 plaquette(s) … de 10 comprimé(s) » is 30, « 20 sachet(s) … » is 20, « 1 flacon(s) … de
100 ml » is one bottle: millilitres and grams are never counted as units). Shortages follow
the ANSM's status codes; a line without CIP13 concerns every marketed presentation of the
speciality.
"""

import datetime as dt
import re
from collections.abc import Iterable

from cabinet.domain.drugs import Component

_PER_CONTAINER = re.compile(r"\bde (\d+) +[^\s()]+\(s\)")
_CONTAINERS = re.compile(r"^(\d+) +[^\s()]+\(s\)")
_RATE = re.compile(r"(\d+) ?%")
SHORTAGE_WARNINGS = {1: "rupture de stock", 2: "tension d'approvisionnement",
                     3: "arrêt de commercialisation"}  # 4, back in stock, warns of nothing
MONITORING = "surveillance renforcée"
NOT_MARKETED = "non commercialisé"


def units(label: str) -> int | None:
    """Units in the box when the label counts them; None when it does not."""
    containers = _CONTAINERS.search(label)
    each = _PER_CONTAINER.search(label)
    if each is not None:
        return int(each.group(1)) * (int(containers.group(1)) if containers else 1)
    return int(containers.group(1)) if containers else None


def best_rate(rates: Iterable[str]) -> str:
    """The highest reimbursement rate among presentations, as « 65% »; "" when none."""
    found = [int(match) for rate in rates for match in _RATE.findall(rate)]
    return f"{max(found)}%" if found else ""


def normal_rate(rate: str) -> str:
    """« 65 % » written « 65% », as most lines of the file write it."""
    return ";".join(f"{value}%" for value in _RATE.findall(rate))


def dosage_label(substances: Iterable[Component]) -> str:
    """« amoxicilline 500 mg + acide clavulanique 62,5 mg »: the DCI as a prescription says it."""
    parts = (f"{c.substance.lower()} {c.dosage}".strip() for c in substances)
    return " + ".join(dict.fromkeys(parts))  # homeopathic elements repeat a substance


def shortage_label(code: int) -> str:
    """« Rupture de stock », as a presentation or a speciality states it; "" when available."""
    return SHORTAGE_WARNINGS.get(code, "").capitalize()


def french_date(text: str) -> dt.date:
    """A checked dd/mm/yyyy date of the files."""
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def latest_shortages(rows: Iterable[tuple[str, ...]]) -> dict[tuple[str, str], int]:
    """The current status of each (CIS, CIP13 or "") of the shortages file: its latest line."""
    latest: dict[tuple[str, str], tuple[dt.date, dt.date, int]] = {}
    for row in rows:
        key = (row[0], row[1])
        state = (french_date(row[4]), french_date(row[5]), int(row[2]))
        if key not in latest or state[:2] >= latest[key][:2]:
            latest[key] = state
    return {key: state[2] for key, state in latest.items()}


def price(text: str) -> str:
    """« 1,234,56 » (thousands by comma, as the file writes them) as « 1234.56 »."""
    if not text:
        return ""
    whole, _, cents = text.rpartition(",")
    return f"{whole.replace(',', '')}.{cents}"
