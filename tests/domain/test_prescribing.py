"""Structured prescription lines: DCI, posology in words, boxes, non-substitution (issue 16).

The specialities are written by hand from real lines of the BDPM snapshot of January 2026
(here, and in `helpers.bdpm_specimens`).
"""

import pytest

from cabinet.domain.drugs import Component, Nature, Speciality
from cabinet.domain.prescribing import (
    boxes,
    check_line,
    dci_text,
    line_from,
    posology_text,
    printed_lines,
    quantity_text,
)
from cabinet.domain.prescription_rules import notices
from cabinet.domain.record import EntryKind, RecordError, searchable_text, validate_entry
from helpers.bdpm_specimens import ACTISKENAN, CLAMOXYL, RELEASE

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


def test_a_line_prints_the_way_a_pharmacist_reads_it() -> None:
    line = check_line(structured(renewals=1, posology={**THREE_A_DAY_FOR_A_WEEK,
                                                       "text": "au milieu des repas"}), 1)
    assert printed_lines(line) == [
        "amoxicilline 1 g, comprimé dispersible",
        "1 comprimé 3 fois par jour pendant 7 jours, au milieu des repas",
        "Qté : 2 boîtes — à renouveler 1 fois"]
    narcotic = check_line(structured(ACTISKENAN, posology={
        "dose": 1, "unit": "gélule", "per_day": 2, "duration": 14, "duration_unit": "days"}), 1)
    assert printed_lines(narcotic) == [
        "sulfate de morphine 10 mg (dix milligrammes), gélule",
        "une gélule deux fois par jour pendant quatorze jours",
        "Qté : deux boîtes"]


def test_free_text_stays_beside_the_structured_posology() -> None:
    posology = {**THREE_A_DAY_FOR_A_WEEK, "text": "au milieu des repas"}
    assert posology_text(posology) == "1 comprimé 3 fois par jour, au milieu des repas"
    only_text = {"text": "selon l'INR", "duration": 1, "duration_unit": "months"}
    assert check_line(structured(posology=only_text), 1)["dosage"] == "selon l'INR"


@pytest.mark.parametrize("reason", ["MTE", "EFG", "CIF"])
def test_non_substitutable_with_its_justification_is_kept(reason: str) -> None:
    line = check_line(structured(non_substitutable=reason, brand="CLAMOXYL"), 1)
    assert line["non_substitutable"] == reason
    assert printed_lines(line)[0] == (f"non substituable ({reason}) — amoxicilline 1 g "
                                      "(CLAMOXYL), comprimé dispersible")


def test_non_substitutable_names_the_speciality() -> None:
    with pytest.raises(RecordError, match="Ligne 1 : « Non substituable » désigne une "
                                          "spécialité : gardez son nom de marque"):
        check_line(structured(non_substitutable="MTE"), 1)


@pytest.mark.parametrize("value", [True, "oui", "non substituable"])
def test_non_substitutable_without_a_justification_is_refused(value: object) -> None:
    with pytest.raises(RecordError, match=r"Ligne 2 : « Non substituable » doit être justifié "
                                          r"par l'une des mentions MTE, EFG ou CIF"):
        check_line(structured(non_substitutable=value, brand="CLAMOXYL"), 2)


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


# Prescription rules from the conditions (CIS_CPD), never blocking.

# CIS 60051647 « SOGROYA 10 mg/1,5 ml, solution injectable en stylo prérempli », its CIS_CPD lines
SOGROYA = Speciality(
    cis="60051647", name="SOGROYA 10 mg/1,5 ml, solution injectable en stylo prérempli",
    form="solution injectable", routes=("sous-cutanée",), marketed=True,
    reinforced_monitoring=False,
    components=(Component("solution", "62529", "SOMAPACITAN", "10 mg",
                          "un stylo prérempli de 1,5 mL de solution", Nature.ACTIVE, 1),),
    conditions=("prescription initiale hospitalière annuelle",
                "prescription initiale réservée à certains spécialistes",
                "renouvellement de la prescription réservé aux spécialistes en PEDIATRIE",
                "liste I"))
# CIS 60004277 « FENOFIBRATE TEVA 100 mg, gélule », CIS_CPD « liste II »
FENOFIBRATE = Speciality(
    cis="60004277", name="FENOFIBRATE TEVA 100 mg, gélule", form="gélule", routes=("orale",),
    marketed=True, reinforced_monitoring=False,
    components=(Component("gélule", "03902", "FÉNOFIBRATE", "100,00 mg", "une gélule",
                          Nature.ACTIVE, 1),),
    conditions=("liste II",))
# CIS 60035714 « SIMPONI 50 mg, solution injectable en seringue préremplie »
SIMPONI = Speciality(
    cis="60035714", name="SIMPONI 50 mg, solution injectable en seringue préremplie",
    form="solution injectable", routes=("sous-cutanée",), marketed=True,
    reinforced_monitoring=False,
    components=(Component("solution", "16648", "GOLIMUMAB", "50 mg", "une seringue préremplie",
                          Nature.ACTIVE, 1),),
    conditions=("prescription réservée aux spécialistes et services RHUMATOLOGIE", "liste I"))


def _for(speciality: Speciality, posology: dict[str, object] | None = None,
         **changes: object) -> dict[str, object]:
    line = {**line_from(speciality, None, RELEASE),
            "posology": posology or THREE_A_DAY_FOR_A_WEEK, **changes}
    return check_line(line, 1)


def test_a_narcotic_asks_for_a_secure_ordonnance_in_words_and_no_renewal() -> None:
    found = notices(ACTISKENAN, _for(ACTISKENAN))
    assert found[0].startswith("Ordonnance sécurisée")
    assert "toutes lettres" in found[0]
    assert found[1].startswith("Stupéfiant : non renouvelable")
    assert not any("limite" in notice for notice in found)  # 7 days, within 4 weeks


def test_a_narcotic_beyond_its_four_weeks_is_flagged_with_what_to_do() -> None:
    month = {"dose": 1, "unit": "gélule", "per_day": 2, "duration": 6, "duration_unit": "weeks"}
    found = notices(ACTISKENAN, _for(ACTISKENAN, month, renewals=1))
    assert ("Durée de 42 jours au-delà de la limite de 28 jours de ce médicament : réduisez la "
            "durée.") in found
    assert any(notice.startswith("Un stupéfiant ne se renouvelle pas") for notice in found)


def test_list_one_is_not_renewable_unless_the_physician_writes_a_renewal() -> None:
    assert ("Liste I : non renouvelable, sauf si vous indiquez le nombre de renouvellements "
            "(« à renouveler N fois »).") in notices(CLAMOXYL, _for(CLAMOXYL))
    renewed = notices(CLAMOXYL, _for(CLAMOXYL, renewals=2))
    assert any(notice.startswith("Liste I : renouvellement indiqué") for notice in renewed)


def test_list_two_is_renewable_within_a_year() -> None:
    assert notices(FENOFIBRATE, _for(FENOFIBRATE)) == [
        "Liste II : renouvelable sauf mention contraire, dans la limite de 12 mois."]


def test_more_than_twelve_months_with_renewals_is_flagged() -> None:
    quarter = {"dose": 1, "unit": "gélule", "per_day": 1, "duration": 3,
               "duration_unit": "months"}
    assert not any("12 mois (renouvellements" in n
                   for n in notices(FENOFIBRATE, _for(FENOFIBRATE, quarter, renewals=3)))
    assert any(n.startswith("Durée totale supérieure à 12 mois")
               for n in notices(FENOFIBRATE, _for(FENOFIBRATE, quarter, renewals=4)))


def test_hospital_and_specialist_restrictions_say_what_the_physician_must_do() -> None:
    found = notices(SOGROYA, _for(SOGROYA))
    assert any(n.startswith("Prescription initiale hospitalière : vous pouvez seulement la "
                            "renouveler") for n in found)
    assert any(n.startswith("Prescription initiale réservée à certains spécialistes")
               for n in found)
    assert ("Renouvellement réservé aux spécialistes en PEDIATRIE : si vous n'en êtes pas, vous "
            "ne pouvez pas renouveler ce traitement.") in found
    assert ("Prescription réservée aux spécialistes et services RHUMATOLOGIE : si vous n'en "
            "êtes pas, vous ne pouvez pas la prescrire ; adressez le patient.") in notices(
                SIMPONI, _for(SIMPONI))


def test_a_medicine_of_exception_names_its_form() -> None:
    # The January 2026 snapshot has no such condition; the wording is the ANSM's.
    exceptional = Speciality(**{**SIMPONI.__dict__, "conditions": ("médicament d'exception",)})
    assert any("cerfa n° 12708" in n for n in notices(exceptional, _for(exceptional)))


def test_efg_is_for_a_child_under_six() -> None:
    line = _for(CLAMOXYL, non_substitutable="EFG", brand="CLAMOXYL")
    assert not any("EFG" in n for n in notices(CLAMOXYL, line, age_years=4))
    assert any("EFG" in n for n in notices(CLAMOXYL, line, age_years=30))
