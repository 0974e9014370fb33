"""The titular physician reviews, at unlock, the break-glass accesses since the last review."""

from html import escape

from PySide6.QtWidgets import QMessageBox, QWidget

from cabinet.bootstrap import AppContext


def review_break_glass(parent: QWidget, ctx: AppContext) -> None:
    """List the accesses to review (titular physician only) and mark them reviewed if asked."""
    from cabinet.domain.wording import french_datetime

    journal = ctx.journal
    if not journal.is_titular():
        return
    pending = journal.break_glass_to_review()
    if not pending:
        return
    lines = "".join(
        f"<li>{escape(french_datetime(e['at']))} — {escape(e['actor'])}, patient n° "
        f"{e['patient_id']} : {escape(e['detail'])}</li>" for e in reversed(pending))
    answer = QMessageBox.question(
        parent, "Bris de glace à revoir",
        f"<p>Accès en urgence depuis votre dernière revue :</p><ul>{lines}</ul>"
        "<p>Les marquer comme revus ?</p>")
    if answer == QMessageBox.StandardButton.Yes:
        journal.mark_break_glass_reviewed(max(e["id"] for e in pending))
