"""The livre-journal des recettes as a signed PDF for the accountant: lines, months, 2035.

Its lines have the cells of the CSV (`cabinet.services.ledger_files`), and say nothing about
any act.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from cabinet.documents import fonts
from cabinet.documents.layout import HEADING, SMALL, Document, Letterhead, text
from cabinet.domain.fees import METHODS, euros
from cabinet.services.ports import ReceiptRow

LEDGER_COLUMNS = ("N°", "Date", "Payeur", "Mode de paiement", "N° de chèque", "Montant",
                  "Annule la ligne")


def ledger_cells(line: ReceiptRow, amount: str) -> list[str]:
    """One ledger line's cells, its amount written as the file wants it."""
    return [str(line.receipt_id), f"{dt.date.fromisoformat(line.day):%d/%m/%Y}", line.payer,
            METHODS[line.method], line.cheque_number, amount, str(line.cancels or "")]


def _grid(rows: Sequence[Sequence[str]], widths: Sequence[float | None],
          amounts_from: int) -> Flowable:
    """A table with a bold header; columns from `amounts_from` on are amounts, on the right."""
    table = Table([[text(cell, SMALL) for cell in rows[0]], *rows[1:]],
                  colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), ("FONTSIZE", (0, 1), (-1, -1), 8),
        ("ALIGN", (amounts_from, 1), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    return table


def ledger_document(letterhead: Letterhead, period_days: tuple[dt.date, dt.date],
                    lines: Sequence[ReceiptRow], *, months: Mapping[str, Mapping[str, int]],
                    figures: Sequence[tuple[str, int]]) -> Document:
    """The period's lines in order, each month's totals by method, then the 2035 figures."""
    since, until = period_days
    period = f"du {since:%d/%m/%Y} au {until:%d/%m/%Y}"
    cells = [ledger_cells(line, euros(line.cents)) for line in lines]
    monthly = [["Mois", *METHODS.values(), "Total"],
               *([month, *(euros(t[m]) for m in METHODS), euros(sum(t.values()))]
                 for month, t in sorted(months.items()))]
    body: list[Flowable] = [
        text(f"Livre-journal des recettes {period}. Montants encaissés, dates, modes de "
             "paiement et payeurs ; une ligne annulée reste, et la ligne qui l'annule la "
             "désigne."),
        text("Lignes", HEADING),
        _grid([list(LEDGER_COLUMNS), *cells],
              (12 * mm, 20 * mm, None, 26 * mm, 22 * mm, 22 * mm, 14 * mm), 5),
        text("Totaux par mois et mode de paiement", HEADING),
        _grid(monthly, (16 * mm, *([None] * (len(METHODS) + 1))), 1),
        text("Pour la déclaration 2035", HEADING),
        _grid([["Ligne", "Montant"], *([label, euros(cents)] for label, cents in figures)],
              (None, 30 * mm), 1),
        Spacer(1, 3 * mm)]
    return Document(f"Livre-journal des recettes {period}", letterhead, "", body,
                    subject="Recettes du cabinet")
