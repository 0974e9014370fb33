"""French public holidays, mainland and overseas, from the `holidays` package's tables.

Pure computation over data (no I/O), like `num2words`: the department chosen in the practice
settings (`HOLIDAY_ZONE`) picks the local days (Alsace-Moselle's Good Friday and
Saint-Étienne, the abolition of slavery in each overseas department).
"""

import datetime as dt
import functools


@functools.cache
def _year(zone: str, year: int) -> dict[dt.date, str]:
    import holidays  # a third of a second: loaded when the agenda first needs it

    table = holidays.country_holidays("FR", subdiv=zone or None, years=year, language="fr")
    return dict(table.items())


def holiday(zone: str, day: dt.date) -> str | None:
    """The public holiday's French name on `day` in `zone` (a department code), or None."""
    return _year(zone, day.year).get(day)
