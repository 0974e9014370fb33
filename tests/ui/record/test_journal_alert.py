"""An anchor alert (older or truncated journal) stays shown in the journal viewer until the
titular physician acknowledges it there with a reason (issue 15, item 5)."""

import pytest
from PySide6.QtCore import Qt

from cabinet.domain.audit import ANCHOR_ACKNOWLEDGED, ANCHOR_ALERT, Action
from cabinet.ui.record.audit_viewer import AuditViewer, anchor_alert_banner
from helpers.qt import answer_dialogs


@pytest.fixture
def alerted(ctx):
    ctx.vault.journal(Action.ADMIN, ctx.clock, target=ANCHOR_ALERT,
                      detail="ALERTE journal : journal tronqué ou coffre restauré")
    return ctx


def viewer_of(ctx, qtbot) -> AuditViewer:
    viewer = AuditViewer(ctx, None)
    qtbot.addWidget(viewer)
    viewer.show()
    return viewer


def type_reason(reason: str):
    def answer(dialog):
        dialog.setTextValue(reason)
        dialog.accept()
    return answer


def test_the_alert_stays_until_acknowledged_with_a_reason(alerted, qtbot):
    viewer = viewer_of(alerted, qtbot)
    assert viewer.alert_row.isVisible() and "coffre restauré" in viewer.alert.text()
    assert anchor_alert_banner(alerted).startswith("ALERTE")

    answer_dialogs(type_reason("Restauration voulue après la panne du disque"))
    qtbot.mouseClick(viewer.acknowledge, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not viewer.alert_row.isVisible(), timeout=3000)
    assert anchor_alert_banner(alerted) == ""
    acknowledged = [e for e in alerted.vault.store.audit_rows(None, 10)
                    if e["target"] == ANCHOR_ACKNOWLEDGED]
    assert "panne du disque" in acknowledged[0]["detail"]
    assert "Alerte du journal levée" in {viewer.table.item(r, 5).text()
                                        for r in range(viewer.table.rowCount())}


def test_a_cancelled_acknowledgement_keeps_the_alert(alerted, qtbot):
    viewer = viewer_of(alerted, qtbot)
    answer_dialogs(lambda dialog: dialog.reject())
    viewer.acknowledge_alerts()
    assert viewer.alert_row.isVisible() and anchor_alert_banner(alerted)


def test_no_alert_shows_nothing(ctx, qtbot):
    viewer = viewer_of(ctx, qtbot)
    assert not viewer.alert_row.isVisible() and anchor_alert_banner(ctx) == ""
