"""At each unlock the main window warns of an anchor alert still raised (issue 15, item 5)."""

from cabinet.domain.audit import ANCHOR_ALERT, Action


def test_each_unlock_warns_until_the_alert_is_acknowledged(window):
    window.unlock("demo", "demo")
    assert "ALERTE" not in window.who.text()
    window.ctx.vault.journal(Action.ADMIN, window.ctx.clock, target=ANCHOR_ALERT,
                             detail="ALERTE journal : journal tronqué")
    for _ in range(2):
        window.lock()
        window.unlock("demo", "demo")
        assert "ALERTE : journal plus ancien ou tronqué" in window.who.text()
    alert = window.ctx.journal.anchor_alerts()[0]
    window.ctx.journal.acknowledge_anchor_alerts(alert["id"], "Restauration voulue, vérifiée")
    window.lock()
    window.unlock("demo", "demo")
    assert "ALERTE" not in window.who.text()
