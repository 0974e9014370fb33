"""The record keeps every version, its author and time, and its negatives (REC-1 to REC-3)."""

import pytest

from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput
from cabinet.services.patients import UnknownPatient
from cabinet.services.records import UnknownEntry, full_text_query
from helpers.vaults import identity

ENCOUNTER = {
    "date": "2026-10-05", "reason": "Toux fébrile", "history": "Toux depuis 4 jours",
    "examination": "Crépitants base droite",
    "vitals": [{"code": "weight", "value": 72.5}, {"code": "height", "value": 170}],
    "conclusion": "Pneumopathie", "plan": "Amoxicilline",
}


@pytest.fixture
def patient(ctx):
    return ctx.patients.create(identity())


def test_a_correction_is_a_new_version_and_the_old_one_stays(ctx, patient, clock):
    lineage = ctx.records.add_entry(patient, EntryKind.ENCOUNTER, ENCOUNTER)
    corrected = dict(ENCOUNTER, examination="Crépitants base gauche")
    assert ctx.records.correct_entry(lineage, corrected, "erreur de côté") == 2
    versions = ctx.records.entry_history(lineage)
    assert [v.payload["examination"] for v in versions] == [
        "Crépitants base droite", "Crépitants base gauche"]
    assert versions[1].reason == "erreur de côté"
    assert all(v.author == "Dr Jeanne Martin" for v in versions)
    assert versions[0].created_at < versions[1].created_at
    current = ctx.records.open_record(patient).of_kind(EntryKind.ENCOUNTER)
    assert [e.payload["examination"] for e in current] == ["Crépitants base gauche"]


def test_a_correction_needs_a_reason(ctx, patient):
    lineage = ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabac"})
    with pytest.raises(InvalidInput, match="motif"):
        ctx.records.correct_entry(lineage, {"text": "Tabac sevré"}, "  ")
    assert len(ctx.records.entry_history(lineage)) == 1


def test_identity_corrections_keep_history(ctx, patient):
    ctx.patients.correct(patient, identity(used_name="Martin"), "mariage")
    history = ctx.patients.identity_history(patient)
    assert [v.payload["used_name"] for v in history] == ["", "Martin"]
    assert ctx.patients.identity(patient).display_name() == "MARTIN Émilie"
    assert [r.patient_id for r in ctx.patients.search("martin")] == [patient]
    assert [r.patient_id for r in ctx.patients.search("lefevre")] == [patient]


def test_no_known_allergy_differs_from_not_entered(ctx, patient):
    assert ctx.records.open_record(patient).allergy_status() == "not_entered"
    lineage = ctx.records.add_entry(patient, EntryKind.ALLERGY, {"status": "none_known"})
    assert ctx.records.open_record(patient).allergy_status() == "none_known"
    ctx.records.correct_entry(lineage, {"substance": "Pénicilline", "reaction": "Urticaire"},
                              "allergie découverte")
    assert ctx.records.open_record(patient).allergy_status() == "present"


def test_private_notes_are_marked_non_communicable(ctx, patient):
    ctx.records.add_entry(patient, EntryKind.PRIVATE_NOTE,
                          {"category": "personal", "text": "Note personnelle"})
    ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabac"})
    flags = {e.kind: e.non_communicable for e in ctx.records.open_record(patient).entries}
    assert flags == {"private_note": True, "risk_factor": False}


def test_documents_are_stored_inside_the_vault(ctx, patient):
    content = b"%PDF-1.7 compte rendu " + bytes(range(256)) * 40
    lineage = ctx.records.add_document(patient, {
        "doc_type": "report", "title": "Radio du thorax", "origin": "Radiologie du Parc",
        "date": "2026-10-06", "filename": "radio.pdf", "media_type": "application/pdf"},
        content)
    assert ctx.records.read_document(lineage) == content
    ctx.records.correct_entry(lineage, {
        "doc_type": "report", "title": "Radiographie thoracique", "origin": "Radiologie",
        "date": "2026-10-06", "filename": "radio.pdf", "media_type": "application/pdf"},
        "titre précisé")
    assert ctx.records.read_document(lineage) == content
    [document] = ctx.records.open_record(patient).of_kind(EntryKind.DOCUMENT)
    assert document.payload["title"] == "Radiographie thoracique"
    assert document.payload["size"] == len(content)


def test_unknown_patient_and_entry_are_clear_errors(ctx):
    with pytest.raises(UnknownPatient, match="n'existe pas"):
        ctx.records.open_record(999)
    with pytest.raises(UnknownEntry):
        ctx.records.entry_history(999)
    with pytest.raises(UnknownPatient):
        ctx.records.add_entry(999, EntryKind.RISK_FACTOR, {"text": "x"})


def test_entries_cannot_be_rewritten_in_the_database(ctx, patient):
    from cabinet.vault.database import IntegrityError

    ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabac"})
    for statement in ("UPDATE entry SET payload = '{}'", "DELETE FROM entry",
                      "UPDATE patient_identity SET data = '{}'"):
        with pytest.raises(IntegrityError):
            ctx.vault.conn.execute(statement)


def test_record_lists_encounters_newest_first_with_bmi_inputs(ctx, patient):
    for date in ("2024-01-01", "2026-01-01", "2025-01-01"):
        ctx.records.add_entry(patient, EntryKind.ENCOUNTER, dict(ENCOUNTER, date=date))
    encounters = ctx.records.open_record(patient).of_kind(EntryKind.ENCOUNTER)
    assert [e.effective_date for e in encounters] == ["2026-01-01", "2025-01-01", "2024-01-01"]
    assert encounters[0].payload["vitals"][0] == {"code": "weight", "value": 72.5, "unit": "kg"}


def test_full_text_finds_words_without_accents_newest_first(ctx, patient):
    other = ctx.patients.create(identity("Durand", "Paul"))
    ctx.records.add_entry(patient, EntryKind.ENCOUNTER, dict(ENCOUNTER, date="2025-01-01"))
    ctx.records.add_entry(other, EntryKind.ENCOUNTER, dict(ENCOUNTER, date="2026-01-01"))
    hits = ctx.records.search_text("crepitant")
    assert [h.patient_id for h in hits] == [other, patient]
    assert [h.patient_id for h in ctx.records.search_text("crépitants", patient)] == [patient]
    assert ctx.records.search_text("fracture") == []


def test_full_text_follows_corrections(ctx, patient):
    lineage = ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabagisme"})
    ctx.records.correct_entry(lineage, {"text": "Sédentarité"}, "erreur")
    assert ctx.records.search_text("tabagisme") == []
    assert [h.version for h in ctx.records.search_text("sedentarite")] == [2]


@pytest.mark.parametrize("typed", ['toux" OR "x', "toux*", "NEAR(toux fievre)", "-toux",
                                   "body:toux", "(", '"', "^toux"])
def test_full_text_syntax_cannot_be_injected(ctx, patient, typed):
    ctx.records.add_entry(patient, EntryKind.ENCOUNTER, ENCOUNTER)
    ctx.records.search_text(typed)  # must not raise a database error
    query = full_text_query(typed)
    assert all(part.startswith('"') for part in query.split())


def test_full_text_is_bounded_to_one_page(ctx, patient):
    for n in range(30):
        ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": f"Tabac {n}"})
    assert len(ctx.records.search_text("tabac")) == 20
    assert len(ctx.records.search_text("tabac", limit=5000)) == 30
    assert full_text_query("un deux trois quatre cinq six sept huit").count('"') == 12


def test_search_inside_one_record_finds_its_old_notes_behind_newer_ones(ctx, patient):
    ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Toux chronique"})
    other = ctx.patients.create(identity("Durand", "Paul"))
    for n in range(60):
        ctx.records.add_entry(other, EntryKind.RISK_FACTOR, {"text": f"Toux {n}"})
    hits = ctx.records.search_text("toux", patient, limit=1)
    assert [(h.patient_id, h.payload["text"]) for h in hits] == [(patient, "Toux chronique")]
    assert ctx.records.search_text("to", patient) == []  # short words match whole words only


def test_a_failed_inner_call_leaves_nothing_even_if_its_caller_goes_on(ctx, patient):
    before = ctx.vault.store.counts()
    with ctx.vault.store.transaction():
        ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabac"})
        with pytest.raises(InvalidInput):
            ctx.records.add_document(patient, {"doc_type": "inconnu", "title": "x",
                                               "date": "2026-01-01", "filename": "x.pdf",
                                               "media_type": "application/pdf"}, b"%PDF-1.7")
    after = ctx.vault.store.counts()
    assert after["files"] == before["files"], "the refused document's file was rolled back"
    assert after.get("entries.risk_factor", 0) == before.get("entries.risk_factor", 0) + 1
