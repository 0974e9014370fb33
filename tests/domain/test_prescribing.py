"""Structured prescription lines: DCI, posology in words, boxes, non-substitution (issue 16).

The specialities are written by hand from real lines of the BDPM snapshot of January 2026.
"""

import datetime as dt
from decimal import Decimal

import pytest

from cabinet.domain.drugs import Component, Nature, Presentation, Speciality
from cabinet.domain.prescribing import (
    boxes,
    check_line,
    dci_text,
    line_from,
    posology_text,
    quantity_text,
)
from cabinet.domain.record import EntryKind, RecordError, searchable_text, validate_entry

RELEASE = dt.date(2026, 1, 28)

# CIS 64539416 « CLAMOXYL 1 g, comprimé dispersible » (CIS_bdpm, CIS_COMPO, CIS_CPD « liste I »,
# CIS_CIP 3400934171727 « plaquette(s) PVDC PVC-Aluminium de 14 comprimé(s) »)
CLAMOXYL = Speciality(
    cis="64539416", name="CLAMOXYL 1 g, comprimé dispersible", form="comprimé dispersible",
    routes=("orale",), marketed=True, reinforced_monitoring=False,
    components=(Component("comprimé", "05248", "AMOXICILLINE ANHYDRE", "1000,00 mg",
                          "un comprimé", Nature.FRACTION, 1),
                Component("comprimé", "28165", "AMOXICILLINE TRIHYDRATÉE", "", "un comprimé",
                          Nature.ACTIVE, 1)),
    presentations=(Presentation("3417172", "3400934171727",
                                "plaquette(s) PVDC PVC-Aluminium de 14 comprimé(s)", True, "65%",
                                Decimal("4.09"), 14),),
    conditions=("liste I",))

# CIS 64288864 « ACTISKENAN 10 mg, gélule » (CIS_COMPO « SULFATE DE MORPHINE 10 mg »; CIS_CPD
# « prescription limitée à 4 semaines », « prescription en toutes lettres sur ordonnance
# sécurisée », « stupéfiants »; CIS_CIP 3400934990007 « … de 14 gélule(s) »)
ACTISKENAN = Speciality(
    cis="64288864", name="ACTISKENAN 10 mg, gélule", form="gélule", routes=("orale",),
    marketed=True, reinforced_monitoring=False,
    components=(Component("gélule", "01099", "SULFATE DE MORPHINE", "10 mg", "une gélule",
                          Nature.ACTIVE, 1),),
    presentations=(Presentation("3499000", "3400934990007",
                                "plaquette(s) PVC-Aluminium de 14 gélule(s)", True, "65%",
                                Decimal("2.19"), 14),),
    conditions=("prescription limitée à 4 semaines",
                "prescription en toutes lettres sur ordonnance sécurisée", "stupéfiants"))

THREE_A_DAY_FOR_A_WEEK = {"dose": 1, "unit": "comprimé", "per_day": 3, "duration": 7,
                          "duration_unit": "days", "text": ""}


def structured(speciality: Speciality = CLAMOXYL, **changes: object) -> dict[str, object]:
    line = {**line_from(speciality, speciality.presentations[0], RELEASE),
            "posology": THREE_A_DAY_FOR_A_WEEK}
    return {**line, **changes}


def test_the_dci_is_the_lower_case_substance_and_its_dosage() -> None:
    assert dci_text(CLAMOXYL) == "amoxicilline 1 g"
    assert dci_text(ACTISKENAN) == "sulfate de morphine 10 mg"


def test_one_tablet_three_times_a_day_for_a_week_with_boxes_of_twelve_is_two_boxes() -> None:
    assert boxes(THREE_A_DAY_FOR_A_WEEK, 12) == 2
    assert boxes(THREE_A_DAY_FOR_A_WEEK, 21) == 1
    assert boxes(THREE_A_DAY_FOR_A_WEEK, None) is None  # the box's content is unknown
    assert boxes({**THREE_A_DAY_FOR_A_WEEK, "unit": "mL"}, 12) is None  # a measure


def test_a_month_of_treatment_is_one_box_of_28_or_30() -> None:
    monthly = {"dose": 1, "unit": "comprimé", "per_day": 1, "duration": 3,
               "duration_unit": "months"}
    assert boxes(monthly, 28) == 3
    assert boxes(monthly, 30) == 3
    assert boxes(monthly, 90) == 1


def test_a_structured_line_is_stored_with_its_codes_quantity_and_readable_texts() -> None:
    line = check_line(structured(ald=True, renewals=2, long_term=False), 1)
    assert line["cis"] == "64539416"
    assert line["cip13"] == "3400934171727"
    assert line["release"] == "2026-01-28"
    assert line["boxes"] == 2  # 21 tablets, boxes of 14
    assert line["drug"] == "amoxicilline 1 g"
    assert line["dosage"] == "1 comprimé 3 fois par jour"
    assert line["duration"] == "7 jours"
    assert line["renewals"] == 2
    assert line["ald"] is True
    assert check_line(line, 1) == line  # canonical: checking it again changes nothing


def test_the_brand_is_kept_only_when_the_physician_chooses_it() -> None:
    kept = {**line_from(CLAMOXYL, None, RELEASE, keep_brand=True),
            "posology": THREE_A_DAY_FOR_A_WEEK}
    assert check_line(kept, 1)["drug"] == "amoxicilline 1 g (CLAMOXYL)"
    assert check_line(kept, 1)["boxes"] is None  # no box chosen


def test_a_narcotic_line_says_dose_frequency_duration_and_quantity_in_words() -> None:
    line = check_line(structured(ACTISKENAN, posology={
        "dose": 1, "unit": "gélule", "per_day": 2, "duration": 14, "duration_unit": "days"}), 1)
    assert line["secure"] is True
    assert line["dosage"] == "une gélule deux fois par jour"
    assert line["duration"] == "quatorze jours"
    assert line["boxes"] == 2
    assert quantity_text(line["boxes"], in_words=True) == "Qté : deux boîtes"
    assert quantity_text(1, in_words=True) == "Qté : une boîte"


def test_free_text_stays_beside_the_structured_posology() -> None:
    posology = {**THREE_A_DAY_FOR_A_WEEK, "text": "au milieu des repas"}
    assert posology_text(posology) == "1 comprimé 3 fois par jour, au milieu des repas"
    only_text = {"text": "selon l'INR", "duration": 1, "duration_unit": "months"}
    assert check_line(structured(posology=only_text), 1)["dosage"] == "selon l'INR"


@pytest.mark.parametrize("reason", ["MTE", "EFG", "CIF"])
def test_non_substitutable_with_its_justification_is_kept(reason: str) -> None:
    assert check_line(structured(non_substitutable=reason), 1)["non_substitutable"] == reason


@pytest.mark.parametrize("value", [True, "oui", "non substituable"])
def test_non_substitutable_without_a_justification_is_refused(value: object) -> None:
    with pytest.raises(RecordError, match=r"Ligne 2 : « Non substituable » doit être justifié "
                                          r"par l'une des mentions MTE, EFG ou CIF"):
        check_line(structured(non_substitutable=value), 2)


@pytest.mark.parametrize(("changes", "message"), [
    ({"dci": ""}, "la DCI est obligatoire"),
    ({"cis": "6453941"}, "le code CIS doit comporter 8 chiffres"),
    ({"cip13": "34009341717"}, "le code CIP13 doit comporter 13 chiffres"),
    ({"release": "28/01/2026"}, "la date de la base des médicaments n'est pas une date valide"),
    ({"renewals": 12}, "le nombre de renouvellements doit être un nombre entier de 0 à 11"),
    ({"posology": {"dose": 1, "per_day": 3, "duration": 7, "duration_unit": "days"}},
     "l'unité de la dose est obligatoire"),
    ({"posology": {"dose": 1, "unit": "comprimé", "duration_unit": "days"}},
     "la durée du traitement doit être un nombre entier"),
    ({"posology": {"dose": -1, "unit": "comprimé", "duration": 7, "duration_unit": "days"}},
     "la dose par prise doit être un nombre positif"),
    ({"posology": {"duration": 7, "duration_unit": "days"}}, "la posologie en clair est "
                                                             "obligatoire"),
    ({"posology": "1 cp 3 fois par jour"}, "la posologie est mal formée"),
    ({"allergy_alerts": ["Allergie notée : pénicillines"]}, "une allergie du patient a été "
                                                          "signalée .* indiquez le motif"),
])
def test_a_structured_line_is_refused_in_french(changes: dict[str, object],
                                                message: str) -> None:
    with pytest.raises(RecordError, match=f"^Ligne 1 : {message}"):
        check_line(structured(**changes), 1)


def test_an_allergy_override_is_kept_with_the_alert_it_answers() -> None:
    line = check_line(structured(allergy_alerts=["Allergie notée : pénicillines"],
                                 allergy_override="Test de réintroduction fait en allergologie"),
                      1)
    assert line["allergy_alerts"] == ["Allergie notée : pénicillines"]
    assert line["allergy_override"] == "Test de réintroduction fait en allergologie"


def test_an_old_free_text_prescription_still_validates_unchanged_beside_a_new_line() -> None:
    old = {"drug": "Amoxicilline 1 g", "dosage": "1 matin et soir", "duration": "7 jours",
           "ald": False}
    stored = validate_entry(EntryKind.PRESCRIPTION,
                            {"date": "2026-11-02", "lines": [old, structured()]})
    assert stored["lines"][0] == old
    assert stored["lines"][1]["dci"] == "amoxicilline 1 g"
    assert validate_entry(EntryKind.PRESCRIPTION, stored) == stored


def test_search_reads_the_words_of_a_structured_line_not_its_codes() -> None:
    stored = validate_entry(EntryKind.PRESCRIPTION, {"date": "2026-11-02",
                                                     "lines": [structured()]})
    text = searchable_text(stored)
    assert "amoxicilline 1 g" in text
    assert "64539416" not in text
    assert "{" not in text
