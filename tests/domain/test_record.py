import math
from typing import Any

import pytest

from cabinet.domain.record import (
    EntryKind,
    RecordError,
    body_mass_index,
    french_number,
    is_non_communicable,
    searchable_text,
    validate_entry,
)

SHA = "a" * 64
ENCOUNTER = {"date": "2024-06-15", "reason": "Toux", "examination": "Crépitants\ndroits",
             "vitals": [{"code": "weight", "value": "72.5"}, {"code": "temperature", "value": 38}]}
PRESCRIPTION = {"date": "2024-06-15", "lines": [
    {"drug": "Amoxicilline 1 g", "dosage": "1 matin et soir", "duration": "7 jours", "ald": 1}]}
DOCUMENT = {"doc_type": "report", "title": "CR échographie", "date": "2024-05-02",
            "filename": "echo.pdf", "media_type": "application/pdf", "sha256": SHA, "size": 2048}

VALID: list[tuple[EntryKind, dict[str, Any], dict[str, Any]]] = [
    (EntryKind.HISTORY,
     {"category": "surgical", "text": "Appendicectomie", "date": "2001-05-04", "extra": "x"},
     {"category": "surgical", "text": "Appendicectomie", "date": "2001-05-04", "relative": ""}),
    (EntryKind.ALLERGY,
     {"substance": "Pénicilline", "reaction": "Urticaire", "intolerance": 1},
     {"status": "present", "substance": "Pénicilline", "reaction": "Urticaire",
      "intolerance": True}),
    (EntryKind.ALLERGY,
     {"status": "none_known", "substance": "ignorée"},
     {"status": "none_known"}),
    (EntryKind.RISK_FACTOR, {"text": "Tabagisme 20 PA"}, {"text": "Tabagisme 20 PA"}),
    (EntryKind.TREATMENT,
     {"drug": "Metformine 1000 mg", "dosage": "1 cp matin et soir", "since": "2020-01-15"},
     {"drug": "Metformine 1000 mg", "dosage": "1 cp matin et soir", "since": "2020-01-15",
      "stopped": ""}),
    (EntryKind.ENCOUNTER,
     ENCOUNTER,
     {"date": "2024-06-15", "reason": "Toux", "history": "", "examination": "Crépitants\ndroits",
      "vitals": [{"code": "weight", "value": 72.5, "unit": "kg"},
                 {"code": "temperature", "value": 38.0, "unit": "°C"}],
      "conclusion": "", "plan": ""}),
    (EntryKind.PRESCRIPTION,
     PRESCRIPTION,
     {"date": "2024-06-15", "lines": [{"drug": "Amoxicilline 1 g", "dosage": "1 matin et soir",
                                       "duration": "7 jours", "ald": True}]}),
    (EntryKind.DOCUMENT,
     DOCUMENT,
     {"doc_type": "report", "title": "CR échographie", "origin": "", "date": "2024-05-02",
      "filename": "echo.pdf", "media_type": "application/pdf", "sha256": SHA, "size": 2048}),
    (EntryKind.ADVANCE_DIRECTIVE,
     {"date": "2023-01-10", "text": "Pas d'acharnement thérapeutique."},
     {"date": "2023-01-10", "text": "Pas d'acharnement thérapeutique.", "holder": ""}),
    (EntryKind.PRIVATE_NOTE,
     {"category": "third_party", "text": "Propos de la fille"},
     {"category": "third_party", "text": "Propos de la fille"}),
    (EntryKind.CONSENT,
     {"topic": "replacement_access", "choice": "objects", "date": "2026-01-05"},
     {"topic": "replacement_access", "choice": "objects", "date": "2026-01-05", "note": ""}),
]


def test_every_kind_has_a_valid_example() -> None:
    assert {kind for kind, _, _ in VALID} == set(EntryKind)


@pytest.mark.parametrize(("kind", "payload", "canonical"), VALID)
def test_valid_payloads_are_canonicalised(
    kind: EntryKind, payload: dict[str, Any], canonical: dict[str, Any]
) -> None:
    assert validate_entry(kind, payload) == canonical


def test_no_known_allergy_is_an_explicit_negative() -> None:
    assert validate_entry(EntryKind.ALLERGY, {"status": "none_known"}) == {"status": "none_known"}
    with pytest.raises(RecordError, match="La substance est obligatoire"):
        validate_entry(EntryKind.ALLERGY, {})


@pytest.mark.parametrize(
    ("kind", "payload", "message"),
    [
        (EntryKind.HISTORY, {"category": "medical"}, "L'antécédent est obligatoire"),
        (EntryKind.HISTORY, {"text": "HTA"}, "La catégorie d'antécédent doit être"),
        (EntryKind.RISK_FACTOR, {"text": "  "}, "Le facteur de risque est obligatoire"),
        (EntryKind.TREATMENT, {"dosage": "1 cp"}, "Le médicament est obligatoire"),
        (EntryKind.ENCOUNTER, {"reason": "Toux"}, "La date de la consultation n'est pas"),
        (EntryKind.ENCOUNTER, {"date": "2024-06-15"}, "Le motif est obligatoire"),
        (EntryKind.PRESCRIPTION, {"date": "2024-06-15"}, "au moins une ligne"),
        (EntryKind.PRESCRIPTION, {"date": "2024-06-15", "lines": []}, "au moins une ligne"),
        (EntryKind.PRESCRIPTION, {"date": "2024-06-15", "lines": [{"drug": "X", "dosage": "1"}]},
         "La durée est obligatoire"),
        (EntryKind.DOCUMENT, {"doc_type": "scan", "date": "2024-01-01"}, "Le titre est oblig"),
        (EntryKind.ADVANCE_DIRECTIVE, {"date": "2024-01-01"}, "directives anticipées est oblig"),
        (EntryKind.PRIVATE_NOTE, {"category": "personal"}, "La note est obligatoire"),
        (EntryKind.PRIVATE_NOTE, {"text": "x"}, "La catégorie de note doit être"),
    ],
)
def test_missing_required_fields(kind: EntryKind, payload: dict[str, Any], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        validate_entry(kind, payload)


@pytest.mark.parametrize(
    ("kind", "payload", "message"),
    [
        (EntryKind.RISK_FACTOR, {"text": 42}, "doit être un texte"),
        (EntryKind.TREATMENT, {"drug": ["Doliprane"]}, "doit être un texte"),
        (EntryKind.ALLERGY, {"substance": "Latex", "reaction": None}, "doit être un texte"),
        (EntryKind.ENCOUNTER, {"date": "2024-06-15", "reason": "x", "vitals": {"weight": 70}},
         "une liste de mesures"),
        (EntryKind.PRESCRIPTION, {"date": "2024-06-15", "lines": "Doliprane"}, "au moins une"),
        (EntryKind.PRESCRIPTION, {"date": "2024-06-15", "lines": ["Doliprane"]},
         "Le médicament est obligatoire"),
    ],
)
def test_wrong_types_are_refused(kind: EntryKind, payload: dict[str, Any], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        validate_entry(kind, payload)


@pytest.mark.parametrize(
    ("kind", "payload", "message"),
    [
        (EntryKind.HISTORY, {"category": ["medical"], "text": "HTA"}, "La catégorie d'antécédent"),
        (EntryKind.DOCUMENT, {**DOCUMENT, "doc_type": {"report": 1}}, "Le type de document"),
        (EntryKind.PRIVATE_NOTE, {"category": ["personal"], "text": "x"}, "La catégorie de note"),
    ],
)
def test_choice_of_an_unhashable_type_is_refused(
    kind: EntryKind, payload: dict[str, Any], message: str
) -> None:
    with pytest.raises(RecordError, match=message):
        validate_entry(kind, payload)


@pytest.mark.parametrize("size", ["deux mégas", None, [2048]])
def test_document_size_of_the_wrong_type_is_refused(size: object) -> None:
    with pytest.raises(RecordError):
        validate_entry(EntryKind.DOCUMENT, {**DOCUMENT, "size": size})


def test_payload_must_be_a_mapping() -> None:
    with pytest.raises(RecordError, match="mal formé"):
        validate_entry(EntryKind.RISK_FACTOR, ["Tabac"])  # type: ignore[arg-type]


def test_ten_megabyte_text_is_refused() -> None:
    with pytest.raises(RecordError, match="La note dépasse 100 000 caractères"):
        validate_entry(EntryKind.PRIVATE_NOTE, {"category": "personal", "text": "x" * 10_000_000})


def test_short_text_limit() -> None:
    validate_entry(EntryKind.RISK_FACTOR, {"text": "x" * 500})
    with pytest.raises(RecordError, match="dépasse 500 caractères"):
        validate_entry(EntryKind.RISK_FACTOR, {"text": "x" * 501})


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x07"])
def test_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(RecordError, match="Le motif contient des caractères de contrôle"):
        validate_entry(EntryKind.ENCOUNTER, {"date": "2024-06-15", "reason": f"Toux{bad}"})


@pytest.mark.parametrize("date", ["2023-02-29", "2024-13-01", "31/02/2020", "hier", None])
def test_impossible_dates_are_refused(date: object) -> None:
    with pytest.raises(RecordError, match="La date de l'ordonnance n'est pas une date valide"):
        validate_entry(EntryKind.PRESCRIPTION, {"date": date, "lines": PRESCRIPTION["lines"]})


def test_optional_date_may_be_empty_but_not_wrong() -> None:
    assert validate_entry(EntryKind.TREATMENT, {"drug": "X"})["since"] == ""
    with pytest.raises(RecordError, match="La date d'arrêt n'est pas une date valide"):
        validate_entry(EntryKind.TREATMENT, {"drug": "X", "stopped": "2024-02-30"})


def encounter(*vitals: Any) -> dict[str, Any]:
    return validate_entry(EntryKind.ENCOUNTER,
                          {"date": "2024-06-15", "reason": "Suivi", "vitals": list(vitals)})


@pytest.mark.parametrize(
    ("code", "value"),
    [("weight", 0.3), ("weight", 400), ("spo2", 100), ("temperature", 30), ("glycemia", 0.2)],
)
def test_vital_sign_bounds_are_inclusive(code: str, value: float) -> None:
    assert encounter({"code": code, "value": value})["vitals"][0]["value"] == value


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"code": "weight", "value": 401},
         r"Poids : la valeur saisie est hors des valeurs possibles \(0,3 à 400 kg\)"),
        ({"code": "spo2", "value": 101}, "Saturation en oxygène : la valeur saisie"),
        ({"code": "temperature", "value": 29.9}, r"Température : .*\(30 à 45 °C\)"),
        ({"code": "heart_rate", "value": -60}, "Fréquence cardiaque"),
        ({"code": "systolic", "value": math.nan}, "Pression systolique"),
        ({"code": "height", "value": math.inf}, "Taille"),
        ({"code": "weight", "value": "soixante"}, "Poids : la valeur n'est pas un nombre"),
        ({"code": "weight"}, "Poids : la valeur n'est pas un nombre"),
        ({"code": "bmi", "value": 22}, "n'est pas d'un type connu"),
        ({"value": 70}, "n'est pas d'un type connu"),
        ("weight=70", "n'est pas d'un type connu"),
    ],
)
def test_bad_vital_signs_are_refused(item: Any, message: str) -> None:
    with pytest.raises(RecordError, match=message):
        encounter(item)


def test_body_mass_index() -> None:
    vitals = encounter({"code": "weight", "value": 70}, {"code": "height", "value": 175})["vitals"]
    assert body_mass_index(vitals) == 22.9  # 70 / 1.75² = 22.857
    assert body_mass_index([{"code": "weight", "value": "90"},
                            {"code": "height", "value": "150"}]) == 40.0
    assert body_mass_index([{"code": "weight", "value": 70}]) is None
    assert body_mass_index([]) is None


def test_only_private_notes_are_non_communicable() -> None:
    assert [k for k in EntryKind if is_non_communicable(k)] == [EntryKind.PRIVATE_NOTE]


def test_searchable_text_includes_free_text_but_not_codes() -> None:
    history = validate_entry(EntryKind.HISTORY,
                             {"category": "family", "text": "Infarctus", "relative": "Père"})
    text = searchable_text(history)
    assert "Infarctus" in text
    assert "Père" in text
    assert "family" not in text


def test_searchable_text_includes_prescription_lines() -> None:
    prescription = validate_entry(EntryKind.PRESCRIPTION, PRESCRIPTION)
    text = searchable_text(prescription)
    for part in ("Amoxicilline 1 g", "1 matin et soir", "7 jours"):
        assert part in text
    assert "True" not in text


def test_searchable_text_of_an_encounter_skips_vital_signs() -> None:
    payload = validate_entry(EntryKind.ENCOUNTER, ENCOUNTER)
    text = searchable_text(payload)
    assert "Toux" in text
    assert "Crépitants\ndroits" in text
    assert "72.5" not in text
    assert "kg" not in text


def test_every_bad_vital_sign_is_named_at_once() -> None:
    with pytest.raises(RecordError) as refused:
        encounter({"code": "temperature", "value": 52}, {"code": "spo2", "value": 120},
                  {"code": "weight", "value": "soixante"})
    lines = str(refused.value).splitlines()
    assert [line.split(" :")[0] for line in lines] == [
        "Température", "Saturation en oxygène", "Poids"]


@pytest.mark.parametrize("diastolic", [80, 120])
def test_the_systolic_pressure_must_be_above_the_diastolic(diastolic: int) -> None:
    with pytest.raises(RecordError, match="systolique doit être supérieure à la "
                                          "pression diastolique"):
        encounter({"code": "systolic", "value": 80}, {"code": "diastolic", "value": diastolic})
    assert len(encounter({"code": "systolic", "value": 120},
                         {"code": "diastolic", "value": 80})["vitals"]) == 2


def test_a_weight_and_height_giving_an_impossible_bmi_are_refused() -> None:
    with pytest.raises(RecordError, match=r"IMC de 2 358,8 kg/m² est invraisemblable"):
        encounter({"code": "weight", "value": 94.353}, {"code": "height", "value": 20})
    newborn = encounter({"code": "weight", "value": 3.2}, {"code": "height", "value": 50})
    assert body_mass_index(newborn["vitals"]) == 12.8


@pytest.mark.parametrize(("value", "text"), [(72.5, "72,5"), (98.0, "98"), (0.95, "0,95"),
                                             (2358830.0, "2 358 830"), (1e-7, "0")])
def test_numbers_are_written_the_french_way_never_in_scientific_notation(
        value: float, text: str) -> None:
    assert french_number(value) == text
