"""HPRIM Net files, written here from the format: read whole, or refused in French."""

import datetime as dt

import pytest

from cabinet.domain.hprim import HprimError, parse
from helpers.hprim_files import HprimFile


@pytest.mark.parametrize("encoding", ["iso-8859-1", "cp1252", "utf-8"])
def test_a_good_file_gives_its_patient_sample_and_values(encoding):
    report = parse(HprimFile(last_name="LEFÈVRE", first_name="Émilie",
                             nir="2610375123456 12").encoded(encoding))
    header = report.header
    assert (header.last_name, header.first_name, header.birth_date, header.nir,
            header.sampled_on, header.prescriber) == (
        "LEFÈVRE", "Émilie", dt.date(1961, 3, 12), "261037512345612", dt.date(2026, 11, 2),
        "Dr MARTIN Jean")
    assert report.text.startswith("Compte rendu d'analyses de biologie médicale.")
    glucose, potassium, hba1c = report.values
    assert (glucose.label, glucose.number, glucose.unit, glucose.low, glucose.high,
            glucose.flag) == ("Glycémie à jeun", 1.32, "g/L", 0.7, 1.1, "H")
    assert glucose.abnormal() and not potassium.abnormal() and hba1c.abnormal()
    assert hba1c.comment == "Contrôle à prévoir dans 3 mois."  # the T line continues it


def test_a_value_out_of_bounds_is_abnormal_even_without_a_flag():
    report = parse(HprimFile(results=(("Potassium", "K", "N", "5,9", "mmol/L", "3,5", "5,0",
                                       ""),)).encoded())
    assert report.values[0].abnormal()


def test_a_text_value_and_a_value_written_with_a_sign_are_kept_as_written():
    report = parse(HprimFile(results=(
        ("Groupe sanguin", "GRP", "A", "A Rh+", "", "", "", ""),
        ("CRP", "CRP", "N", "<5", "mg/L", "", "5", "")), comments=()).encoded())
    group, crp = report.values
    assert (group.value, group.number, crp.value, crp.number) == ("A Rh+", None, "<5", None)


@pytest.mark.parametrize(("broken", "said"), [
    (HprimFile(header_lines=7), "En-tête tronqué"),
    (HprimFile(birth_date="31/02/1961"), "Ligne 7 : la date de naissance"),
    (HprimFile(sampled_on="2026-11-02"), "Ligne 10 : la date du prélèvement"),
    (HprimFile(results=(("Potassium", "K", "N", "4,1"),)), "ligne RES incomplète"),
    (HprimFile(end=""), "Fichier tronqué"),
    (HprimFile(nir="ABC"), "Ligne 8 : le NIR"),
])
def test_a_malformed_file_is_refused_in_french_without_its_values(broken, said):
    with pytest.raises(HprimError) as refused:
        parse(broken.encoded())
    assert said in str(refused.value)
    assert "LEFEVRE" not in str(refused.value) and "4,1" not in str(refused.value)


@pytest.mark.parametrize("content", [
    HprimFile().text_form().encode("utf-16"),
    HprimFile().encoded() + b"\x81\x8d",  # bytes Windows-1252 leaves undefined
    b"\x00\x01binary" + HprimFile().encoded(),
])
def test_an_unknown_encoding_is_refused(content):
    with pytest.raises(HprimError, match="Encodage du fichier inconnu"):
        parse(content)


def test_a_file_holding_two_reports_is_refused_whole():
    two = HprimFile(end="****FIN****\n").text_form() + HprimFile().text_form()
    with pytest.raises(HprimError, match="plusieurs comptes rendus"):
        parse(two.encode("utf-8"))
