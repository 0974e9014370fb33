"""Print a document the record keeps: previewed, then sent as the vault keeps it, journaled."""

from PySide6.QtWidgets import QWidget

from cabinet.bootstrap import AppContext
from cabinet.domain.settings import PRINT_TRAY
from cabinet.ui.common.printing import print_with_preview


def print_kept_document(parent: QWidget, ctx: AppContext, lineage: int) -> bool:
    """Preview the stored PDF `lineage` and print it in the settings' tray; whether printed."""
    records, printing = ctx.records, ctx.printing
    return print_with_preview(parent, lambda: records.read_document(lineage),
                              ctx.settings.value(PRINT_TRAY),
                              lambda request: printing.print_document(lineage, request))
