"""Document templates: plain substitution of known fields, unknown ones refused, agreement."""

import datetime as dt

import pytest

from cabinet.domain.identity import Identity, Sex
from cabinet.domain.template_fields import Physician, field_values
from cabinet.domain.templates import FIELDS, TemplateError, check, fill, incomplete
from cabinet.services.ports import StoredVersion

TODAY = dt.date(2026, 11, 2)
DOCTOR = Physician("Dr Jeanne Martin", "Médecine générale", "10101010105", sex="F")


def person(sex: Sex) -> Identity:
    return Identity(birth_name="Lefèvre", first_names="Émilie" if sex == Sex.FEMALE else "Marc",
                    sex=sex, birth_date=dt.date(1961, 3, 12))


def entry(kind: str, payload: dict) -> StoredVersion:
    return StoredVersion(1, 1, 1, 1, kind, "", payload, False, "", "", "")


def values(sex: Sex = Sex.FEMALE, entries=()) -> dict[str, str]:
    return field_values(person(sex), list(entries), DOCTOR, TODAY)


def test_known_fields_are_replaced_by_the_records_values():
    text = ("{{medecin.soussigne}} certifie avoir examiné {{patient.designation}}, "
            "{{ patient.ne_le }}.")
    assert fill(text, values()) == ("Je soussignée, Dr Jeanne Martin, certifie avoir examiné "
                                    "Madame LEFÈVRE Émilie, née le 12/03/1961.")


@pytest.mark.parametrize(("sex", "said"), [
    (Sex.FEMALE, "Madame LEFÈVRE Émilie, née le 12/03/1961, l'intéressée, 65 ans"),
    (Sex.MALE, "Monsieur LEFÈVRE Marc, né le 12/03/1961, l'intéressé, 65 ans"),
])
def test_civility_and_words_agree_with_the_patients_sex(sex, said):
    text = "{{patient.designation}}, {{patient.ne_le}}, {{patient.interesse}}, {{patient.age}}"
    assert fill(text, values(sex)) == said


def test_an_unknown_sex_is_written_without_agreement():
    filled = fill("{{patient.civilite}} / {{patient.designation}} / {{patient.ne_le}}",
                  values(Sex.UNKNOWN))
    assert filled == "Madame, Monsieur / LEFÈVRE Marc / date de naissance : 12/03/1961"


def test_the_records_content_fills_the_medical_fields():
    entries = [
        entry("allergy", {"status": "present", "substance": "pénicilline",
                          "reaction": "urticaire"}),
        entry("history", {"category": "surgical", "text": "Appendicectomie"}),
        entry("treatment", {"drug": "Lévothyroxine", "dosage": "75 µg le matin"}),
        entry("encounter", {"date": "2026-10-01", "reason": "Toux", "conclusion": "Bronchite",
                            "vitals": [{"code": "weight", "value": 60.0, "unit": "kg"}]}),
        entry("encounter", {"date": "2026-09-01", "reason": "Bilan", "conclusion": "RAS",
                            "vitals": []}),
    ]
    got = values(entries=entries)
    assert got["dossier.allergies"] == "Allergie : pénicilline (urticaire)"
    assert got["dossier.antecedents"] == "Appendicectomie (chirurgical)"
    assert got["dossier.traitements"] == "Lévothyroxine — 75 µg le matin"
    assert got["dossier.constantes"] == "Poids 60 kg (le 01/10/2026)"
    assert got["dossier.conclusion"] == "Bronchite"
    assert got["date.jour"] == "02/11/2026"


def test_what_the_record_does_not_hold_is_said_not_left_blank():
    got = values(entries=[entry("allergy", {"status": "none_known"})])
    assert got["dossier.allergies"] == "aucune allergie connue"
    assert values()["dossier.allergies"] == "non renseignées"
    assert values()["dossier.antecedents"] == "non renseignés"


def test_every_declared_field_has_a_value():
    assert set(values()) == set(FIELDS)


def test_an_unknown_field_is_refused_in_french_when_saved():
    with pytest.raises(TemplateError, match=r"Champ inconnu.*: \{\{patient.poids\}\}"):
        check("Poids : {{patient.poids}} ; {{patient.nom}}")
    assert check("{{patient.nom}}") == "{{patient.nom}}"


@pytest.mark.parametrize("attack", [
    "{{patient.__class__}}", "{{0.__globals__}}", "{{ config.items() }}", "{patient.nom!r}",
])
def test_template_text_is_never_evaluated(attack):
    if "{{" in attack:
        with pytest.raises(TemplateError):
            check(attack)
    assert fill(attack, values()) == attack  # left as typed, nothing looked up


def test_a_value_holding_braces_is_inserted_as_text_and_not_read_again():
    assert fill("{{patient.nom}}", {"patient.nom": "{{medecin.rpps}}"}) == "{{medecin.rpps}}"


def test_a_passage_to_complete_is_detected():
    assert incomplete("pratique du sport suivant : […].")
    assert not incomplete("pratique du football.")
