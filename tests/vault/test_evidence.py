"""The vault's evidence against a hand on the data key: entry digests, stored files, schema,
and anchor alerts that stay raised until acknowledged (DESIGN §2, TRACE-2)."""

import pytest

from cabinet.domain.audit import AccessMode, Action, Actor
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput, KnownError
from cabinet.vault import evidence
from helpers.vaults import identity


@pytest.fixture
def written(ctx):
    """A record with an encounter and a document; the encounter's lineage."""
    patient = ctx.patients.create(identity())
    lineage = ctx.records.add_entry(patient, EntryKind.ENCOUNTER, {
        "date": "2026-09-01", "reason": "Toux"})
    ctx.records.add_document(patient, {
        "doc_type": "report", "title": "Radio du thorax", "origin": "Radiologie du Parc",
        "date": "2026-10-06", "filename": "radio.pdf", "media_type": "application/pdf"},
        b"%PDF-1.4 contenu")
    return lineage


def test_every_entry_written_through_cabinet_matches_its_digest(ctx, written):
    checked = evidence.entry_evidence(ctx.vault.conn)
    assert checked.matching == 2 and not checked.problems
    assert evidence.schema_differences(ctx.vault.conn) == []
    assert evidence.blob_problems(ctx.vault.conn) == []


def test_an_entry_inserted_or_deleted_outside_cabinet_is_named(ctx, written):
    conn = ctx.vault.conn
    conn.execute("INSERT INTO entry (id, patient_id, kind, lineage, version, effective_date, "
                 "payload, non_communicable, author, created_at, reason) SELECT 99, "
                 "patient_id, kind, 99, 1, effective_date, payload, 0, author, created_at, '' "
                 f"FROM entry WHERE lineage = {written}")
    conn.execute("DROP TRIGGER entry_append_only_delete")
    conn.execute(f"DELETE FROM entry WHERE lineage = {written}")
    problems = evidence.entry_evidence(conn).problems
    assert problems == [
        "entrée n° 99, version 1 : absente du journal (écrite hors de Cabinet)",
        f"entrée n° {written}, version 1 : inscrite au journal mais absente du coffre "
        "(supprimée)"]


def test_a_stored_file_changed_in_place_is_named(ctx, written):
    ctx.vault.conn.execute("DROP TRIGGER blob_append_only_update")
    ctx.vault.conn.execute("UPDATE blob SET content = X'00'")
    assert [p.split(" : ")[1] for p in evidence.blob_problems(ctx.vault.conn)] == [
        "contenu modifié"]


def test_a_trigger_added_or_changed_outside_cabinet_is_named(ctx):
    conn = ctx.vault.conn
    conn.execute("CREATE TRIGGER quiet AFTER INSERT ON audit BEGIN SELECT 1; END")
    conn.execute("DROP TRIGGER blob_append_only_update")
    conn.execute("CREATE TRIGGER blob_append_only_update BEFORE UPDATE ON blob BEGIN SELECT 1; END")
    assert evidence.schema_differences(conn) == [
        "déclencheur « blob_append_only_update » : modifié",
        "déclencheur « quiet » : ajouté hors de Cabinet"]


def test_an_entry_journaled_before_digests_is_counted_apart(ctx):
    patient = ctx.patients.create(identity())
    with ctx.vault.store.transaction():
        ctx.vault.store.add_entry(_legacy(patient))
        ctx.vault.journal(Action.CREATE, ctx.clock, target="entry:1", detail="encounter")
    checked = evidence.entry_evidence(ctx.vault.conn)
    assert (checked.without_digest, checked.matching, checked.problems) == (1, 0, [])
    assert "1 antérieure(s) aux empreintes" in checked.summary()


def _legacy(patient):
    from cabinet.services.ports import NewEntry

    return NewEntry(patient_id=patient, kind="encounter", lineage=None, version=1,
                    effective_date="2025-01-01", payload={"reason": "Ancien"},
                    non_communicable=False, author="Dr", created_at="2025-01-01", reason="",
                    text="")


def raise_alert(ctx):
    ctx.vault.journal(Action.ADMIN, ctx.clock, target="journal anchor",
                      detail="ALERTE journal : journal tronqué")


def test_an_alert_stays_until_acknowledged_and_a_later_one_is_raised_again(ctx):
    raise_alert(ctx)
    raise_alert(ctx)
    alerts = ctx.journal.anchor_alerts()
    assert len(alerts) == 2
    ctx.journal.acknowledge_anchor_alerts(alerts[0]["id"], "Restauration voulue hier soir")
    assert ctx.journal.anchor_alerts() == []
    raise_alert(ctx)
    assert len(ctx.journal.anchor_alerts()) == 1


def test_an_acknowledgement_needs_a_reason_and_the_titular_physician(ctx):
    raise_alert(ctx)
    with pytest.raises(InvalidInput):
        ctx.journal.acknowledge_anchor_alerts(1, "ok")
    ctx.trail.actor = Actor("Dr Paul Remplaçant", "10202020202", AccessMode.CARD, "poste")
    with pytest.raises(KnownError, match="médecin titulaire"):
        ctx.journal.acknowledge_anchor_alerts(1, "Restauration voulue hier soir")
    assert len(ctx.journal.anchor_alerts()) == 1


def test_the_journal_viewer_wording_hides_the_digest():
    from cabinet.domain.wording import detail_text, target_text

    assert detail_text("encounter sha256=" + "ab" * 32, "create") == (
        "consultation, empreinte abababababababab…")
    assert target_text("journal anchor") == "Alerte du journal"
