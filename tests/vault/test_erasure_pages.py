"""Erasure destroys content in the vault file itself: every page and the log, decrypted, are
searched for a canary (RIGHTS-3); the triggers still refuse any other DELETE."""

import pytest

from cabinet.domain.record import EntryKind
from cabinet.vault import evidence
from cabinet.vault.database import IntegrityError
from helpers.sqlcipher_pages import header_is_sqlite, vault_holds
from helpers.vaults import identity

CANARY = "Ornithorynquale"
FOLDED = b"rnithorynquale"  # as the full-text index keeps a word: lower case, maybe after a
# prefix it shares with the term before it
KEPT = "Salamandrique"
REQUEST = {"doc_type": "scan", "title": "Demande d'effacement", "origin": "Le patient",
           "date": "2026-11-01", "filename": "demande.pdf", "media_type": "application/pdf"}


@pytest.fixture
def record(ctx):
    """A record: the scanned request, an entry carrying the canary in two versions, and an
    entry that stays; (patient, request, canary's lineage)."""
    patient = ctx.patients.create(identity())
    request = ctx.records.add_document(patient, REQUEST, b"%PDF-1.4 demande signee")
    lineage = ctx.records.add_entry(patient, EntryKind.ENCOUNTER, {
        "date": "2026-10-30", "reason": f"Consultation {CANARY}", "history": CANARY * 40})
    ctx.records.correct_entry(lineage, {"date": "2026-10-30", "reason": f"Motif {CANARY}"},
                              f"précision {CANARY}")
    ctx.records.add_entry(patient, EntryKind.HISTORY, {"category": "medical",
                                                       "text": f"Asthme {KEPT}"})
    return patient, request, lineage


def _closed(ctx) -> tuple:
    key, database = bytes(ctx.vault.data_key), ctx.vault.layout.database
    ctx.lock()
    return database, key


def test_an_erased_entry_is_in_no_page_of_the_vault_nor_of_its_log(ctx, record):
    patient, request, lineage = record
    key, database = bytes(ctx.vault.data_key), ctx.vault.layout.database
    assert header_is_sqlite(database, key)
    assert vault_holds(database, key, CANARY.encode())  # the reader finds it before
    assert vault_holds(database, key, FOLDED)

    done = ctx.erasure.erase_on_request(lineage, request, "EFFACER", "Demande du patient")

    assert done.log_emptied
    assert [e.lineage for e in ctx.information.rights(patient).erasures] == [lineage]
    assert vault_holds(database, key, CANARY.encode()) == []  # still open: file and log
    assert vault_holds(database, key, FOLDED) == []
    database, key = _closed(ctx)
    assert vault_holds(database, key, CANARY.encode()) == []
    assert vault_holds(database, key, FOLDED) == []
    assert vault_holds(database, key, KEPT.encode())


def test_records_destroyed_together_keep_their_numbers_and_no_content(ctx, record):
    patient, _, _ = record
    ctx.records.add_document(patient, REQUEST, f"%PDF-1.4 {CANARY}".encode())
    second = ctx.patients.create(identity("Roux", "Jeanne"))
    ctx.records.add_entry(second, EntryKind.HISTORY, {"category": "medical",
                                                      "text": f"Diabète {CANARY}"})
    other = ctx.patients.create(identity("Durand", "Paul"))
    ctx.records.add_entry(other, EntryKind.HISTORY, {"category": "medical",
                                                     "text": f"Goutte {KEPT}"})

    ctx.erasure.destroy_records([(patient, "20 ans après la dernière consultation"),
                                 (second, "10 ans après le décès")], "Durée échue")
    assert ctx.erasure.scrub()

    assert ctx.records.open_record(patient).entries == []
    assert ctx.records.open_record(second).entries == []
    assert ctx.patients.identity(patient).birth_name == "Lefèvre"
    assert ctx.vault.conn.execute("SELECT count(*) FROM blob").fetchone()[0] == 0
    assert evidence.entry_evidence(ctx.vault.conn).problems == []
    database, key = _closed(ctx)
    assert vault_holds(database, key, CANARY.encode()) == []
    assert vault_holds(database, key, FOLDED) == []
    assert vault_holds(database, key, KEPT.encode())


def test_a_delete_without_an_erasure_is_still_refused(ctx, record):
    lineage = record[2]
    conn = ctx.vault.conn
    with pytest.raises(IntegrityError, match="corrected by new versions"):
        conn.execute("DELETE FROM entry WHERE lineage = ?", (lineage,))
    with pytest.raises(IntegrityError, match="stored files are kept"):
        conn.execute("DELETE FROM blob")
    assert conn.execute("SELECT count(*) FROM entry").fetchone()[0] == 4


def test_a_grant_for_one_entry_deletes_no_other(ctx, record):
    patient, request, lineage = record
    conn = ctx.vault.conn
    conn.execute("BEGIN")
    conn.execute("INSERT INTO erasure (patient_id, lineage, kind, request, rule, reason, "
                 "versions, top_id, erased_at, erased_by) VALUES (?, ?, 'encounter', ?, "
                 "'patient_request', 'x', 2, 0, '', '')", (patient, lineage, request))
    conn.execute("INSERT INTO erasure_grant (erasure, patient_id, lineage) "
                 "VALUES (last_insert_rowid(), ?, ?)", (patient, lineage))
    with pytest.raises(IntegrityError, match="corrected by new versions"):
        conn.execute("DELETE FROM entry WHERE lineage = ?", (request,))
    with pytest.raises(IntegrityError, match="stored files are kept"):
        conn.execute("DELETE FROM blob")
    with pytest.raises(IntegrityError, match="never widened"):
        conn.execute("UPDATE erasure_grant SET lineage = NULL")
    conn.execute("ROLLBACK")


def test_vault_check_names_a_deletion_no_journaled_erasure_covers(ctx, record):
    patient, request, lineage = record
    ctx.erasure.erase_on_request(lineage, request, "EFFACER", "Demande du patient")
    conn = ctx.vault.conn
    assert evidence.entry_evidence(conn).problems == []
    assert evidence.schema_differences(conn) == []
    conn.execute("INSERT INTO erasure (patient_id, lineage, kind, request, rule, reason, "
                 "versions, top_id, erased_at, erased_by) VALUES (?, ?, 'document', NULL, "
                 "'forged', 'x', 1, 0, '', '')", (patient, request))
    conn.execute("INSERT INTO erasure_grant (erasure, patient_id, lineage) "
                 "VALUES (last_insert_rowid(), ?, ?)", (patient, request))
    conn.execute("DELETE FROM entry WHERE lineage = ?", (request,))
    assert evidence.entry_evidence(conn).problems == [
        f"entrée n° {request}, version 1 : inscrite au journal mais absente du coffre "
        "(supprimée)"]


def test_an_erased_entry_number_is_never_given_again(ctx, record):
    patient, request, _ = record
    last = ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabac"})
    ctx.erasure.erase_on_request(last, request, "EFFACER", "Demande du patient")
    assert ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabac"}) > last



def _filed_result(ctx, last_name: str, first_name: str, canary: str) -> tuple[int, int]:
    """A laboratory's file with `canary` in a comment, filed in a new record of that name;
    (patient, the result document's lineage)."""
    from cabinet.services.results import Received
    from helpers.hprim_files import HprimFile

    patient = ctx.patients.create(identity(last_name, first_name))
    content = HprimFile(last_name=last_name.upper(), first_name=first_name,
                        comments=(f"Contrôle {canary}",)).encoded()
    assert ctx.results.receive(f"{canary}.hpr", content) is Received.FILED
    [document] = ctx.records.open_record(patient).of_kind(EntryKind.DOCUMENT)
    assert ctx.results.values(patient)
    return patient, document.lineage


def test_destroying_a_record_or_erasing_its_result_takes_the_lab_values_too(ctx):
    """A result's values and its file's name are the record's medical content (RET-2,
    RIGHTS-3): destroyed with the record, or erased with the result document."""
    destroyed, _ = _filed_result(ctx, "Vasseur", "Lina", CANARY)
    erased, document = _filed_result(ctx, "Perrin", "Zoé", "Tatouvaste")
    request = ctx.records.add_document(erased, REQUEST, b"%PDF-1.4 demande")
    kept, _ = _filed_result(ctx, "Aubert", "Marc", KEPT)
    for table, refused in (("lab_value", "kept as received"), ("result_decision", "is kept")):
        with pytest.raises(IntegrityError, match=refused):
            ctx.vault.conn.execute(f"DELETE FROM {table}")

    ctx.erasure.destroy_records([(destroyed, "20 ans après la dernière consultation")],
                                "Durée échue")
    ctx.erasure.erase_on_request(document, request, "EFFACER", "Demande de la patiente")
    assert ctx.erasure.scrub()

    assert ctx.results.values(destroyed) == [] and ctx.results.values(erased) == []
    assert ctx.results.values(kept)
    assert evidence.entry_evidence(ctx.vault.conn).problems == []
    database, key = _closed(ctx)
    for canary in (CANARY, "Tatouvaste"):
        assert vault_holds(database, key, canary.encode()) == []
    assert vault_holds(database, key, KEPT.encode())
