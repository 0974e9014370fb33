"""The accountant's files: the ledger's lines and its totals as CSV, and the 2035 figures.

The CSV is what a French spreadsheet opens as it is: UTF-8 with its mark, « ; » between
columns, a decimal comma, dates as JJ/MM/AAAA. It says amounts, dates, methods and payers,
nothing else: the accountant never learns what an act was.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from cabinet.documents.ledger import LEDGER_COLUMNS, ledger_cells
from cabinet.domain.fees import METHODS, by_method
from cabinet.services.ports import ReceiptRow


def amount(cents: int) -> str:
    """An amount as a French spreadsheet reads it: « 1234,50 »."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def annual_figures(months: Mapping[str, Mapping[str, int]]) -> list[tuple[str, int]]:
    """The figures of the 2035-A return's first lines, from the period's receipts.

    Cabinet pays no fee back to anyone (a replacing physician's share is settled outside it)
    and advances no expense for patients: rétrocessions and débours are 0 here, for the
    accountant to complete.
    """
    received = by_method([(m, c) for totals in months.values() for m, c in totals.items()])
    total = sum(received.values())
    return [*((f"dont {label.lower()}", received[method]) for method, label in METHODS.items()),
            ("AA — Recettes encaissées", total),
            ("AB — Débours payés pour le compte des patients (non suivis par Cabinet)", 0),
            ("AC — Honoraires rétrocédés (non suivis par Cabinet)", 0),
            ("AD — Montant net des recettes", total)]


def _csv(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def ledger_csv(lines: Iterable[ReceiptRow]) -> bytes:
    """The livre-journal's lines."""
    return _csv([list(LEDGER_COLUMNS), *(ledger_cells(line, amount(line.cents))
                                         for line in lines)])


def totals_csv(months: Mapping[str, Mapping[str, int]], figures: Sequence[tuple[str, int]]
               ) -> bytes:
    """Each month's receipts by method, then the 2035 figures."""
    rows = [["Mois", *METHODS.values(), "Total"]]
    rows += [[month, *(amount(totals[m]) for m in METHODS), amount(sum(totals.values()))]
             for month, totals in sorted(months.items())]
    rows += [[], ["Déclaration 2035", "Montant"], *([label, amount(c)] for label, c in figures)]
    return _csv(rows)
