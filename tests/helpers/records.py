"""Two patients whose every piece of text carries a marker, for tests of what leaves the vault.

Markers are made-up words: finding one in an exported file proves that piece went out.
"""

from dataclasses import dataclass

from cabinet.bootstrap import AppContext
from cabinet.domain.record import EntryKind
from helpers.vaults import PRESCRIBER, identity, valid_nir

PRIVATE_MARKER = "Zorglubnote"
OTHER_PATIENT_MARKER = "Quenouillex"
SHARED_MARKER = "Bartavelle"


@dataclass(frozen=True)
class MarkedPractice:
    patient: int
    other: int
    prescription: int
    ald_prescription: int
    document: int


def marked_practice(ctx: AppContext) -> MarkedPractice:
    """Fill an open vault: a full record for one patient, a marked record for another."""
    ctx.settings.change({**PRESCRIBER, "address": "3 rue des Lilas 75011 Paris",
                         "phone": "01 23 45 67 89"})
    patient = ctx.patients.create(identity("Lefèvre", "Émilie", nir=valid_nir("2610375056123")))
    records = ctx.records
    records.add_entry(patient, EntryKind.ALLERGY, {"substance": "Pénicilline",
                                                   "reaction": "urticaire"})
    records.add_entry(patient, EntryKind.HISTORY, {"category": "medical",
                                                   "text": f"Diabète de type 2 {SHARED_MARKER}"})
    records.add_entry(patient, EntryKind.TREATMENT, {"drug": "Metformine 1000 mg",
                                                     "dosage": "1 cp matin et soir"})
    records.add_entry(patient, EntryKind.ENCOUNTER, {
        "date": "2026-11-02", "reason": "Suivi du diabète", "examination": "RAS",
        "vitals": [{"code": "weight", "value": 72}, {"code": "height", "value": 165}],
        "conclusion": "Équilibre correct ; on poursuit !"})
    records.add_entry(patient, EntryKind.PRIVATE_NOTE, {
        "category": "third_party", "text": f"Sa sœur dit que… {PRIVATE_MARKER}"})
    prescription = records.add_entry(patient, EntryKind.PRESCRIPTION, {
        "date": "2026-11-02", "lines": [{"drug": "Paracétamol 1 g", "dosage": "1 cp si douleur",
                                         "duration": "5 jours"}]})
    ald = records.add_entry(patient, EntryKind.PRESCRIPTION, {
        "date": "2026-11-02", "lines": [
            {"drug": "Metformine 1000 mg", "dosage": "1 cp matin et soir",
             "duration": "3 mois", "ald": True},
            {"drug": "Amoxicilline 1 g", "dosage": "1 cp matin et soir",
             "duration": "6 jours"}]})
    document = records.add_document(patient, {
        "doc_type": "result", "title": "Bilan sanguin", "origin": "Laboratoire",
        "date": "2026-10-30", "filename": "bilan.txt", "media_type": "text/plain"},
        f"HbA1c 6,8 % {SHARED_MARKER}".encode())
    other = ctx.patients.create(identity(OTHER_PATIENT_MARKER, "Paul"))
    records.add_entry(other, EntryKind.ENCOUNTER, {"date": "2026-11-03",
                                                   "reason": f"Angine {OTHER_PATIENT_MARKER}"})
    return MarkedPractice(patient, other, prescription, ald, document)
