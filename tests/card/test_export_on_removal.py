"""Pulling the card out during an export cancels it: nothing is left on the medium (AUTH-2)."""

import dataclasses
import threading

import pytest

from cabinet.card.presence import CardWatcher
from cabinet.domain.rights import Seizure
from cabinet.exchange.staging import CancelToken, ExportCancelled
from cabinet.services.issuing import Output
from helpers.records import marked_practice


def test_card_removed_during_a_seizure_export_leaves_no_file(
        ctx, physician_card, card_document_signer, tmp_path):
    practice = marked_practice(ctx)
    cancel = CancelToken()
    removed = threading.Event()

    def on_change(readers):
        if not readers.card_readers():
            cancel.cancel()
            removed.set()

    watcher = CardWatcher(on_change)
    watcher.start()
    signatures = 0

    def sign_then_pull_the_card(data: bytes) -> bytes:
        nonlocal signatures
        signatures += 1
        signature = card_document_signer.sign(data)
        if signatures == 2:  # in the middle of the export
            physician_card.remove()
            assert removed.wait(5), "the watcher never saw the card leave"
        return signature

    signer = dataclasses.replace(card_document_signer, sign=sign_then_pull_the_card)
    destination = tmp_path / "cle-usb"
    destination.mkdir()
    try:
        with pytest.raises(ExportCancelled):
            ctx.exports.seize(practice.patient, Seizure("Mme Juge", "Ordonnance 12",
                                                        "Dr Ordre"),
                              Output(signer, destination, cancel))
    finally:
        watcher.stop()
    assert signatures == 2
    assert list(destination.iterdir()) == []  # neither the final folder nor the staging one
    exports = [e for e in ctx.vault.store.audit_rows(None, 100) if e["action"] == "export"]
    assert exports == []
