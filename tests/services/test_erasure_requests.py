"""Erasure on the patient's request (RIGHTS-3): refused in French without the scanned written
request, a reason and the typed confirmation; nothing changed then."""

import pytest

from cabinet.bootstrap import build_context
from cabinet.domain.audit import Action
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput, KnownError
from cabinet.vault.session import unlock_with_card
from helpers.certificates import signer
from helpers.practice import practice_with_substitute
from helpers.vaults import identity

REQUEST = {"doc_type": "scan", "title": "Demande d'effacement", "date": "2026-11-01",
           "filename": "demande.pdf", "media_type": "application/pdf"}


@pytest.fixture
def record(ctx):
    patient = ctx.patients.create(identity())
    lineage = ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabac"})
    return patient, lineage


def _unchanged(ctx, lineage):
    return len(ctx.records.entry_history(lineage)) == 1 and ctx.vault.conn.execute(
        "SELECT count(*) FROM erasure").fetchone()[0] == 0


def test_without_a_scanned_request_nothing_is_erased(ctx, record):
    patient, lineage = record
    other = ctx.patients.create(identity("Durand", "Paul"))
    elsewhere = ctx.records.add_document(other, REQUEST, b"%PDF-1.4 autre patient")
    for request in (None, elsewhere, lineage):
        with pytest.raises(InvalidInput) as refused:
            ctx.erasure.erase_on_request(lineage, request, "EFFACER", "Demande du patient")
        assert "demande écrite du patient, numérisée" in refused.value.message
        assert "Rien n'a été effacé" in refused.value.message
    assert ctx.erasure.request_documents(patient) == []
    assert _unchanged(ctx, lineage)


def test_an_empty_reason_or_a_wrong_confirmation_erases_nothing(ctx, record):
    patient, lineage = record
    request = ctx.records.add_document(patient, REQUEST, b"%PDF-1.4 demande")
    with pytest.raises(InvalidInput, match="motif de l'effacement"):
        ctx.erasure.erase_on_request(lineage, request, "EFFACER", "  ")
    with pytest.raises(InvalidInput, match="tapez EFFACER"):
        ctx.erasure.erase_on_request(lineage, request, "effacer ?", "Demande du patient")
    assert _unchanged(ctx, lineage)


def test_the_journal_names_who_when_and_which_request_never_the_content(ctx, record):
    patient, lineage = record
    request = ctx.records.add_document(patient, REQUEST, b"%PDF-1.4 demande")
    assert ctx.erasure.request_documents(patient) == [
        (request, "Demande d'effacement (01/11/2026)")]
    done = ctx.erasure.erase_on_request(lineage, request, "EFFACER", "Demande du patient")
    event = ctx.vault.store.audit_rows(patient, 1)[0]
    assert event["action"] == Action.ERASE.value
    assert event["target"] == f"erasure:{done.erasure_id}"
    assert event["detail"] == (f"entrée n° {lineage} (facteur de risque), 1 version(s), à la "
                               f"demande écrite du patient (document n° {request})")
    assert "Tabac" not in str(ctx.vault.store.audit_rows(patient, 1000))
    mention = ctx.information.rights(patient).erasures[0]
    assert (mention.lineage, mention.request, mention.erased_by) == (
        lineage, request, "Dr Jeanne Martin")
    assert "sort de la rotation le" in done.backup_notice


def test_a_remplacant_never_erases(vault_dir, clock):
    built = practice_with_substitute(vault_dir, clock)
    ctx = build_context(unlock_with_card(vault_dir, built.substitute_certificate,
                                         signer(built.substitute_key), clock, "poste"), clock)
    lineage = ctx.records.open_record(built.other).entries[0].lineage
    request = ctx.records.add_document(built.other, REQUEST, b"%PDF-1.4 demande")
    with pytest.raises(KnownError, match="Seul le médecin titulaire"):
        ctx.erasure.erase_on_request(lineage, request, "EFFACER", "Demande du patient")
    assert len(ctx.records.entry_history(lineage)) == 1
    ctx.lock()
