"""Prescription lines of the drug base in the portability archive: DOSSIER.JSON carries them
whole (its schema says how), FHIR.JSON codes them by CIS and CIP13 with their posology and
boxes, and an import reads them back unchanged (issue 16)."""

import json

import jsonschema
import pytest
from fhir.resources.R4B.bundle import Bundle

from cabinet.archive import documentation, fhir
from cabinet.domain.prescribing import line_from
from cabinet.services.portability.export import Selection
from helpers import archives
from helpers.bdpm_specimens import ACTISKENAN, CLAMOXYL, RELEASE
from helpers.records import marked_practice
from helpers.vaults import new_context

SUBSET = "IHE_XDM/SUBSET01/"
AMOXICILLIN = {**line_from(CLAMOXYL, CLAMOXYL.presentations[0], RELEASE, keep_brand=True),
               "posology": {"dose": 1, "unit": "comprimé", "per_day": 3, "duration": 7,
                            "duration_unit": "days", "text": "au milieu du repas"},
               "non_substitutable": "MTE", "renewals": 1, "ald": True,
               "allergy_alerts": ["Allergie notée : Pénicilline — urticaire"],
               "allergy_override": "tolérance prouvée en allergologie"}
MORPHINE = {**line_from(ACTISKENAN, ACTISKENAN.presentations[0], RELEASE), "long_term": True,
            "posology": {"dose": 1, "unit": "gélule", "per_day": 2, "duration": 4,
                         "duration_unit": "weeks", "text": ""}}
FREE_TEXT = {"drug": "Vaseline salicylée 10 %", "dosage": "une application le soir",
             "duration": "10 jours"}


@pytest.fixture
def source(ctx):
    practice = marked_practice(ctx)
    prescription = ctx.records.add_entry(practice.patient, archives.EntryKind.PRESCRIPTION, {
        "date": "2026-11-02", "lines": [AMOXICILLIN, MORPHINE, FREE_TEXT]})
    ctx.records.add_entry(practice.patient, archives.EntryKind.ALLERGY, {
        "substance": "ibuprofène", "substance_code": "02092", "reaction": "bronchospasme"})
    return ctx, practice.patient, prescription


def patient_files(ctx, patient, tmp_path):
    path = archives.export(ctx, tmp_path / "media", selection=Selection("UNITAIRE", (patient,)))
    return path, archives.inner(archives.members(path)["PAT00001.ZIP"])


def requests(bundle: dict, lineage: int) -> list[dict]:
    """The MedicationRequests of one prescription, in the order of its lines."""
    return [e["resource"] for e in bundle["entry"]
            if e["resource"]["resourceType"] == "MedicationRequest"
            and e["resource"]["id"].startswith(f"e{lineage}-")]


def test_structured_lines_are_coded_in_fhir_and_described_by_the_schema(source, tmp_path):
    ctx, patient, prescription = source
    _, files = patient_files(ctx, patient, tmp_path)
    record = json.loads(files[SUBSET + "DOSSIER.JSON"])
    jsonschema.validate(record, json.loads(documentation.schema()))
    Bundle.model_validate_json(files[SUBSET + "FHIR.JSON"])
    amoxicillin, morphine, free = requests(json.loads(files[SUBSET + "FHIR.JSON"]),
                                         prescription)

    assert amoxicillin["medicationCodeableConcept"] == {
        "coding": [{"system": fhir.CIS_SYSTEM, "code": "64539416"},
                   {"system": fhir.CIP_SYSTEM, "code": "3400934171727"}],
        "text": "amoxicilline 1 g (CLAMOXYL)"}
    [dosage] = amoxicillin["dosageInstruction"]
    assert dosage["text"] == ("1 comprimé 3 fois par jour, au milieu du repas — 7 jours")
    assert dosage["timing"]["repeat"] == {
        "frequency": 3, "period": 1, "periodUnit": "d",
        "boundsDuration": {"value": 7, "unit": "jours", "system": fhir.UCUM, "code": "d"}}
    assert dosage["doseAndRate"] == [{"doseQuantity": {"value": 1, "unit": "comprimé"}}]
    assert amoxicillin["dispenseRequest"]["quantity"] == {"value": 2, "unit": "boîte"}
    assert amoxicillin["dispenseRequest"]["numberOfRepeatsAllowed"] == 1
    assert amoxicillin["substitution"]["allowedBoolean"] is False
    assert amoxicillin["substitution"]["reason"]["text"].startswith("Non substituable (MTE)")
    assert amoxicillin["courseOfTherapyType"]["coding"][0]["code"] == "acute"
    assert amoxicillin["note"] == [{"text": "ALD (bizone, partie haute)"}]

    assert morphine["courseOfTherapyType"]["coding"][0]["code"] == "continuous"
    assert morphine["dispenseRequest"]["expectedSupplyDuration"]["code"] == "wk"
    assert morphine["dispenseRequest"]["quantity"] == {"value": 4, "unit": "boîte"}

    assert free["medicationCodeableConcept"] == {"text": "Vaseline salicylée 10 %"}
    assert free["dosageInstruction"] == [{"text": "une application le soir — 10 jours"}]
    assert "dispenseRequest" not in free

    allergy = next(e["resource"] for e in json.loads(files[SUBSET + "FHIR.JSON"])["entry"]
                   if e["resource"]["resourceType"] == "AllergyIntolerance"
                   and e["resource"]["code"]["text"] == "ibuprofène")
    assert allergy["code"]["coding"] == [{"system": fhir.SUBSTANCE_SYSTEM, "code": "02092"}]


def test_an_import_reads_the_structured_lines_back_unchanged(source, tmp_path, clock):
    ctx, patient, _ = source
    path, _ = patient_files(ctx, patient, tmp_path)
    # a demo vault: the archive is signed with the demo certificate
    successor, _ = new_context(tmp_path / "successeur", clock, demo=True)
    try:
        reader = archives.open_reader(path)
        successor.archive_importer.run(reader, successor.archive_importer.prepare(reader))
        reader.close()
        [imported] = successor.portability.patient_ids(0, 10)
        after = [e.payload for e in successor.portability.all_entries(imported)
                 if e.kind == "prescription"]
    finally:
        successor.lock()
    before = [e.payload for e in ctx.portability.all_entries(patient)
              if e.kind == "prescription"]
    assert after == before
    assert after[-1]["lines"][0]["cis"] == "64539416"
    assert after[-1]["lines"][0]["allergy_override"] == "tolérance prouvée en allergologie"


def test_the_sample_carries_a_structured_line_the_schema_accepts():
    sample = json.loads(documentation.sample())
    jsonschema.validate(sample, json.loads(documentation.schema()))
    [prescription] = [e for e in sample["entries"] if e["kind"] == "prescription"]
    assert prescription["payload"]["lines"][0]["cis"] == "64539416"
    broken = {**prescription["payload"]["lines"][0], "non_substitutable": "OUI"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**sample, "entries": [{**prescription, "payload": {
            "date": "2024-01-15", "lines": [broken]}}]}, json.loads(documentation.schema()))
