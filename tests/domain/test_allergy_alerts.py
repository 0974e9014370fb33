"""Allergy alerts against the composition of a medicine, by code, name and class (issue 16).

The specialities are written by hand from real lines of the BDPM snapshot of January 2026
(here, and in `helpers.bdpm_specimens`); the class table is the one Cabinet ships.
"""

import pytest

from cabinet.domain.allergy_alerts import alerts_for, classes_named, prescription_alerts
from cabinet.domain.drugs import Component, Nature, Speciality
from cabinet.domain.prescribing import check_line, line_from
from cabinet.domain.record import EntryKind, RecordError, validate_entry
from cabinet.drugs.allergy_classes import allergy_classes
from helpers.bdpm_specimens import ACTISKENAN, CLAMOXYL, DOLIPRANE, RELEASE

# CIS 60271045 « XYLLOMAC 2 g, poudre pour solution injectable/pour perfusion (IV) »
# (CIS_COMPO: 00872 AMOXICILLINE SODIQUE SA, 05248 AMOXICILLINE ANHYDRE 2 g FT)
XYLLOMAC = Speciality(
    cis="60271045", name="XYLLOMAC 2 g, poudre pour solution injectable/pour perfusion (IV)",
    form="poudre pour solution injectable ou pour perfusion", routes=("intraveineuse",),
    marketed=True, reinforced_monitoring=False,
    components=(Component("poudre", "00872", "AMOXICILLINE SODIQUE", "", "", Nature.ACTIVE, 1),
                Component("poudre", "05248", "AMOXICILLINE ANHYDRE", "2 g", "un flacon",
                          Nature.FRACTION, 1)))
CLASSES = allergy_classes()
PENICILLINS = validate_entry(EntryKind.ALLERGY, {
    "substance": "pénicillines", "allergy_class": "pénicillines",
    "reaction": "œdème de Quincke (2019)"})


def texts(speciality: Speciality, *allergies: dict[str, object]) -> list[str]:
    return [alert.text() for alert in alerts_for(speciality, allergies, CLASSES)]


def test_amoxicillin_alerts_a_patient_allergic_to_the_penicillin_class() -> None:
    assert texts(CLAMOXYL, PENICILLINS) == [
        "Allergie notée : pénicillines — œdème de Quincke (2019) ; AMOXICILLINE TRIHYDRATÉE "
        "en fait partie."]


def test_penicillin_typed_as_free_text_finds_its_class() -> None:
    old = validate_entry(EntryKind.ALLERGY, {"substance": "Pénicilline",
                                             "reaction": "urticaire"})
    assert texts(CLAMOXYL, old) == [
        "Allergie notée : Pénicilline — urticaire ; AMOXICILLINE TRIHYDRATÉE fait partie de la "
        "classe « pénicillines »."]


def test_amoxicillin_typed_as_free_text_finds_the_substance() -> None:
    typed = validate_entry(EntryKind.ALLERGY, {"substance": "amoxicilline",
                                               "reaction": "œdème de Quincke"})
    assert texts(CLAMOXYL, typed) == [
        "Allergie notée : amoxicilline — œdème de Quincke ; ce médicament contient "
        "AMOXICILLINE TRIHYDRATÉE."]


def test_a_substance_recorded_from_the_base_alerts_by_its_code_and_its_other_salts() -> None:
    recorded = validate_entry(EntryKind.ALLERGY, {
        "substance": "AMOXICILLINE TRIHYDRATÉE", "substance_code": "28165", "reaction": ""})
    assert texts(CLAMOXYL, recorded) == [
        "Allergie notée : AMOXICILLINE TRIHYDRATÉE ; ce médicament contient AMOXICILLINE "
        "TRIHYDRATÉE."]
    # the injectable holds the sodium salt: another code, the same substance
    assert len(alerts_for(XYLLOMAC, [recorded], CLASSES)) == 1
    by_code_only = {"substance": "Amoxi (saisie abrégée)", "substance_code": "05248"}
    assert len(alerts_for(XYLLOMAC, [by_code_only], CLASSES)) == 1


def test_paracetamol_raises_no_alert() -> None:
    typed = {"substance": "amoxicilline", "reaction": ""}
    assert alerts_for(DOLIPRANE, [PENICILLINS, typed], CLASSES) == []


def test_no_known_allergy_raises_nothing_and_an_intolerance_says_so() -> None:
    assert alerts_for(CLAMOXYL, [{"status": "none_known"}], CLASSES) == []
    codeine = validate_entry(EntryKind.ALLERGY, {"substance": "codéine", "intolerance": True,
                                                 "reaction": "vomissements"})
    assert texts(ACTISKENAN, codeine) == [
        "Intolérance notée : codéine — vomissements ; SULFATE DE MORPHINE fait partie de la "
        "classe « codéine/opiacés »."]


def test_a_renewal_is_checked_line_by_line_old_free_text_lines_too() -> None:
    base = {CLAMOXYL.cis: CLAMOXYL, DOLIPRANE.cis: DOLIPRANE}
    structured = check_line({**line_from(CLAMOXYL, None, RELEASE), "posology": {
        "dose": 1, "unit": "comprimé", "per_day": 2, "duration": 6, "duration_unit": "days"}}, 1)
    old_amoxicillin = {"drug": "Amoxicilline 1 g", "dosage": "1 cp matin et soir",
                       "duration": "6 jours", "ald": False}
    old_paracetamol = {"drug": "Paracétamol 1 g", "dosage": "1 cp si douleur",
                       "duration": "5 jours", "ald": False}
    found = prescription_alerts([structured, old_amoxicillin, old_paracetamol], [PENICILLINS],
                                CLASSES, base.get)
    assert [len(alerts) for alerts in found] == [1, 1, 0]
    assert found[1][0].allergy_class == "pénicillines"


def test_the_shipped_table_names_its_sources_and_the_classes_asked_for() -> None:
    names = {group.name for group in CLASSES}
    assert {"pénicillines", "céphalosporines", "AINS", "sulfamides", "macrolides",
            "quinolones", "aspirine/salicylés", "iode/produits de contraste iodés",
            "codéine/opiacés"} <= names
    assert all(group.atc and group.substances and group.aliases for group in CLASSES)


def test_an_allergy_may_name_a_base_substance_or_a_class_and_old_ones_stay_as_they_are() -> None:
    old = {"status": "present", "substance": "Pénicilline", "reaction": "urticaire",
           "intolerance": False}
    assert validate_entry(EntryKind.ALLERGY, old) == old
    assert PENICILLINS["allergy_class"] == "pénicillines"
    with pytest.raises(RecordError, match="Le code de la substance doit être fait de chiffres"):
        validate_entry(EntryKind.ALLERGY, {"substance": "X", "substance_code": "A12"})


@pytest.mark.parametrize(("typed", "named"), [
    ("ains", ["AINS"]), ("Anti-inf", ["AINS"]), ("pénic", ["pénicillines"]),
    ("CEPHALO", ["céphalosporines"]), ("sulf", ["sulfamides"]), ("amoxicilline", []),
    ("", [])])
def test_the_classes_a_physician_starts_to_type_are_named(typed, named) -> None:
    assert [group.name for group in classes_named(typed, CLASSES)] == named
