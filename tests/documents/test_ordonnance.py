"""The signed ordonnance of structured lines, read back from the PDF by pdftotext (issue 16).

DCI (brand only when kept), form, posology a pharmacist reads, Qté, « non substituable »,
renewals; a narcotic's doses in words; the patient's sex and age, a child's weight and
height; an old free-text line printed as it always was.
"""

import datetime as dt
from dataclasses import replace
from pathlib import Path

from cabinet.documents.content import entry_text
from cabinet.domain.identity import Sex
from cabinet.domain.prescribing import check_line, line_from
from cabinet.domain.record import EntryKind
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.services.ports import StoredVersion
from helpers import pdf_checks
from helpers.bdpm_specimens import ACTISKENAN, CLAMOXYL, RELEASE
from helpers.records import marked_practice
from helpers.vaults import identity

OLD_LINE = {"drug": "Paracétamol 1 g", "dosage": "1 cp si douleur", "duration": "5 jours"}


def _printed(ctx, signer, folder: Path, patient: int, lines: list[dict]) -> str:
    entry = ctx.records.add_entry(patient, EntryKind.PRESCRIPTION,
                                  {"date": "2026-11-02", "lines": lines})
    path = Path(ctx.exports.prescription(entry, Output(signer, folder, CancelToken())).path)
    return " ".join(pdf_checks.pdf_text(path).split())


def test_structured_lines_print_in_dci_with_quantities_and_mentions(
        ctx, card_document_signer, tmp_path):
    practice = marked_practice(ctx)
    amoxicillin = {**line_from(CLAMOXYL, CLAMOXYL.presentations[0], RELEASE, keep_brand=True),
                   "posology": {"dose": 1, "unit": "comprimé", "per_day": 3, "duration": 7,
                                "duration_unit": "days", "text": ""},
                   "non_substitutable": "MTE", "renewals": 2,
                   "allergy_alerts": ["Allergie notée : Pénicilline — urticaire"],
                   "allergy_override": "Tolérance prouvée en allergologie"}
    morphine = {**line_from(ACTISKENAN, ACTISKENAN.presentations[0], RELEASE),
                "posology": {"dose": 1, "unit": "gélule", "per_day": 2, "duration": 14,
                             "duration_unit": "days"}}
    text = _printed(ctx, card_document_signer, tmp_path, practice.patient,
                    [amoxicillin, morphine, OLD_LINE])
    assert "Mme Émilie LEFÈVRE, 65 ans" in text
    assert ("non substituable (MTE) — amoxicilline 1 g (CLAMOXYL), comprimé dispersible "
            "1 comprimé 3 fois par jour pendant 7 jours Qté : 2 boîtes — à renouveler 2 fois"
            ) in text
    assert ("sulfate de morphine 10 mg (dix milligrammes), gélule une gélule deux fois par "
            "jour pendant quatorze jours Qté : deux boîtes") in text
    assert "Paracétamol 1 g 1 cp si douleur — pendant 5 jours" in text
    assert "Tolérance" not in text  # the override is the record's, not the pharmacist's


def test_an_old_free_text_prescription_prints_as_it_always_did(
        ctx, card_document_signer, tmp_path):
    practice = marked_practice(ctx)
    path = Path(ctx.exports.prescription(practice.prescription, Output(
        card_document_signer, tmp_path, CancelToken())).path)
    lines = [line.strip() for line in pdf_checks.pdf_text(path).splitlines()]
    assert "Paracétamol 1 g" in lines
    assert "1 cp si douleur — pendant 5 jours" in lines


def test_a_childs_ordonnance_gives_age_weight_and_height(ctx, card_document_signer, tmp_path):
    marked_practice(ctx)  # the prescriber
    child = ctx.patients.create(replace(identity("Martin", "Léo",
                                                 birth_date=dt.date(2023, 5, 4)), sex=Sex.MALE))
    for day, weight in (("2026-06-01", 13.5), ("2026-10-20", 14.2), ("2026-12-01", 15)):
        ctx.records.add_entry(child, EntryKind.ENCOUNTER, {
            "date": day, "reason": "Suivi", "vitals": [
                {"code": "weight", "value": weight}, {"code": "height", "value": 98}]})
    text = _printed(ctx, card_document_signer, tmp_path, child, [OLD_LINE])
    # the last measures before the ordonnance's date, never those of a later encounter
    assert "Léo MARTIN, garçon, 3 ans — poids 14,2 kg, taille 98 cm" in text


def test_the_record_keeps_the_allergy_passed_over_and_its_reason() -> None:
    line = check_line({**line_from(CLAMOXYL, CLAMOXYL.presentations[0], RELEASE),
                       "posology": {"dose": 1, "unit": "comprimé", "per_day": 3, "duration": 7,
                                    "duration_unit": "days"},
                       "ald": True,
                       "allergy_alerts": ["Allergie notée : Pénicilline — urticaire ; "
                                          "AMOXICILLINE TRIHYDRATÉE fait partie de la classe "
                                          "« pénicillines »."],
                       "allergy_override": "Tolérance prouvée en allergologie"}, 1)
    entry = StoredVersion(1, 1, 1, 1, "prescription", "2026-11-02",
                          {"date": "2026-11-02", "lines": [line, {**OLD_LINE, "ald": False}]},
                          False, "Dr Jeanne Martin", "2026-11-02T09:00:00+00:00", "")
    assert entry_text(entry).prescribed == [
        "[ALD] amoxicilline 1 g, comprimé dispersible — 1 comprimé 3 fois par jour pendant "
        "7 jours — Qté : 2 boîtes (prescrit malgré l'alerte : Allergie notée : Pénicilline — "
        "urticaire ; AMOXICILLINE TRIHYDRATÉE fait partie de la classe « pénicillines ». "
        "Motif : Tolérance prouvée en allergologie)",
        "Paracétamol 1 g — 1 cp si douleur, 5 jours"]
