import dataclasses
import datetime as dt

import pytest

from cabinet.domain.identity import (
    Identity,
    IdentityError,
    IdentityStatus,
    Sex,
    age_on,
    check_nir,
    format_french_date,
    nir_key,
    parse_french_date,
    validate_identity,
)

TODAY = dt.date(2024, 6, 15)


def key(numeric13: str) -> str:
    """The NIR key written by hand: 97 - (number mod 97), on two digits."""
    return f"{97 - int(numeric13) % 97:02d}"


NIR = "1850578006084" + key("1850578006084")
NIR_2A = "185052A123456" + key("1850519123456")  # 2A counts as 19
NIR_2B = "285032B654321" + key("2850318654321")  # 2B counts as 18


def identity(**changes: object) -> Identity:
    base = Identity(birth_name="DUPONT", first_names="Jeanne Marie", sex=Sex.FEMALE,
                    birth_date=dt.date(1961, 3, 12))
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("nir13", "numeric"),
    [("1850578006084", "1850578006084"), ("185052A123456", "1850519123456"),
     ("285032B654321", "2850318654321")],
)
def test_nir_key(nir13: str, numeric: str) -> None:
    assert nir_key(nir13) == 97 - int(numeric) % 97


@pytest.mark.parametrize("nir", [NIR, NIR_2A, NIR_2B])
def test_valid_nir_is_returned_normalised(nir: str) -> None:
    assert check_nir(nir) == nir


@pytest.mark.parametrize(
    "typed",
    [
        f"{NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}",
        ".".join([NIR[0], NIR[1:3], NIR[3:5], NIR[5:7], NIR[7:10], NIR[10:13], NIR[13:]]),
        f"  {NIR[:13]}\t{NIR[13:]} ",
    ],
)
def test_spaces_and_dots_are_removed(typed: str) -> None:
    assert check_nir(typed) == NIR


def test_lower_case_corsica_code_is_accepted() -> None:
    assert check_nir(NIR_2A.lower()) == NIR_2A


def test_wrong_key_is_rejected_in_french() -> None:
    good = int(NIR[13:])
    bad = f"{good - 1 if good > 1 else 2:02d}"
    with pytest.raises(IdentityError, match="clé du NIR ne correspond pas"):
        check_nir(NIR[:13] + bad)


def test_corsica_codes_are_not_interchangeable() -> None:
    with pytest.raises(IdentityError, match="clé"):
        check_nir(NIR_2A.replace("2A", "2B"))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("18505780060", "13 caractères"),
        (NIR + "1", "13 caractères"),
        ("9" + NIR[1:], "forme attendue"),
        (NIR[:5] + "2C" + NIR[7:], "forme attendue"),
        (NIR[:8] + "X" + NIR[9:], "forme attendue"),
    ],
)
def test_malformed_nir_is_rejected(raw: str, message: str) -> None:
    with pytest.raises(IdentityError, match=message):
        check_nir(raw)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/1961", dt.date(1961, 3, 12)),
        ("12.03.1961", dt.date(1961, 3, 12)),
        ("12-03-1961", dt.date(1961, 3, 12)),
        (" 1/3/1961 ", dt.date(1961, 3, 1)),
        ("29/02/2024", dt.date(2024, 2, 29)),
    ],
)
def test_parse_french_date(text: str, expected: dt.date) -> None:
    assert parse_french_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31/02/2020", "29/02/2023", "12/13/1961", "00/01/2000", "1961-03-12", "12/03/61", "", "x"],
)
def test_impossible_or_foreign_dates_give_none(text: str) -> None:
    assert parse_french_date(text) is None


def test_format_french_date_round_trips() -> None:
    assert format_french_date(dt.date(1961, 3, 5)) == "05/03/1961"
    assert parse_french_date(format_french_date(dt.date(1961, 3, 5))) == dt.date(1961, 3, 5)


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (dt.date(1961, 3, 12), dt.date(2024, 3, 11), 62),
        (dt.date(1961, 3, 12), dt.date(2024, 3, 12), 63),
        (dt.date(1961, 12, 31), dt.date(2024, 1, 1), 62),
        (dt.date(2000, 2, 29), dt.date(2001, 3, 1), 1),
        (dt.date(2024, 6, 15), dt.date(2024, 6, 15), 0),
    ],
)
def test_age_on(born: dt.date, today: dt.date, age: int) -> None:
    assert age_on(born, today) == age


def test_valid_identity_is_returned_with_normalised_nir() -> None:
    typed = f"{NIR[:7]} {NIR[7:13]}.{NIR[13:]}"
    checked = validate_identity(
        identity(birth_name="D'ARTAGNAN", first_names="Marie-Émilie", used_name="LE GOFF",
                 birth_place_code="2A004", nir=typed, ins_number=typed,
                 ins_oid="1.2.250.1.213.1.4.8", identity_status=IdentityStatus.QUALIFIED,
                 email="jeanne@example.fr", phones=("06 12 34 56 78",)),
        TODAY,
    )
    assert checked.nir == NIR
    assert checked.ins_number == NIR
    assert checked.display_name() == "LE GOFF Marie-Émilie"


@pytest.mark.parametrize(
    "birth_date", [TODAY, dt.date(1880, 1, 1)]
)
def test_boundary_birth_dates_are_accepted(birth_date: dt.date) -> None:
    assert validate_identity(identity(birth_date=birth_date), TODAY).birth_date == birth_date


@pytest.mark.parametrize("code", ["75056", "99134", "2A004", "2B033"])
def test_birth_place_codes_accepted(code: str) -> None:
    assert validate_identity(identity(birth_place_code=code), TODAY).birth_place_code == code


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_name": ""}, "Le nom de naissance est obligatoire"),
        ({"birth_name": "   "}, "Le nom de naissance est obligatoire"),
        ({"first_names": ""}, "Le ou les prénoms est obligatoire"),
        ({"birth_name": "DUPONT2"}, "Le nom de naissance contient des caractères non admis"),
        ({"first_names": "Jeanne\x00"}, "Le ou les prénoms contient des caractères non admis"),
        ({"used_name": "MARTIN\x1b"}, "Le nom utilisé contient des caractères non admis"),
        ({"used_name": "MARTIN 3"}, "Le nom utilisé contient des caractères non admis"),
        ({"birth_name": "A" * 101}, "dépasse 100 caractères"),
        ({"birth_date": TODAY + dt.timedelta(days=1)}, "dans le futur"),
        ({"birth_date": dt.date(1879, 12, 31)}, "antérieure à 1880"),
        ({"birth_place_code": "7505"}, "lieu de naissance"),
        ({"birth_place_code": "2C004"}, "lieu de naissance"),
        ({"birth_place_code": "75 056"}, "lieu de naissance"),
        ({"nir": NIR[:13] + "00"}, "clé du NIR"),
        ({"identity_status": IdentityStatus.QUALIFIED}, "qualifiée exige un matricule INS"),
        ({"ins_number": NIR, "ins_oid": "1.2.250.1.213.1.4.99"}, "OID de l'INS"),
        ({"ins_number": NIR, "ins_oid": ""}, "OID de l'INS"),
        ({"email": "jeanne.example.fr"}, "Le courriel n'a pas la forme"),
        ({"city": "Paris\x00"}, "La ville contient"),
        ({"phones": ("06 12 34 56 78", "01\x0723")}, "Le téléphone contient"),
        ({"address": "x" * 501}, "L'adresse contient"),
    ],
)
def test_invalid_identity_is_rejected_in_french(changes: dict[str, object], message: str) -> None:
    with pytest.raises(IdentityError, match=message):
        validate_identity(identity(**changes), TODAY)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_name": "DUPONT\nMARTIN"}, "Le nom de naissance contient des caractères non admis"),
        ({"first_names": "Jeanne\tMarie"}, "Le ou les prénoms contient des caractères non admis"),
        ({"used_name": "MARTIN\r"}, "Le nom utilisé contient des caractères non admis"),
    ],
)
def test_line_breaks_and_tabs_in_names_are_rejected(
    changes: dict[str, object], message: str
) -> None:
    # A name is one line: the newline/tab tolerance of free text does not apply to it.
    with pytest.raises(IdentityError, match=message):
        validate_identity(identity(**changes), TODAY)


IDENTITY_FIELDS = [
    ("birth_name", "Le nom de naissance", "DUPONT"),
    ("first_names", "Le ou les prénoms", "Jeanne"),
    ("used_name", "Le nom utilisé", "MARTIN"),
    ("birth_place_code", "Le code du lieu de naissance", "75056"),
    ("nir", "Le NIR", NIR),
    ("ins_number", "Le matricule INS", NIR),
    ("address", "L'adresse", "12 rue des Lilas"),
    ("postal_code", "Le code postal", "75011"),
    ("city", "La ville", "Paris"),
    ("email", "Le courriel", "jeanne@example.fr"),
    ("insurer", "La caisse", "CPAM de Paris"),
]
# Right-to-left override, left-to-right isolate, right-to-left mark, zero-width space,
# zero-width joiner, word joiner, byte-order mark (zero-width no-break space).
INVISIBLES = ["\u202e", "\u2066", "\u200f", "\u200b", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("invisible", INVISIBLES)
@pytest.mark.parametrize(("field", "label", "value"), IDENTITY_FIELDS)
def test_bidi_and_zero_width_characters_are_refused_in_every_identity_field(
    field: str, label: str, value: str, invisible: str
) -> None:
    changes: dict[str, object] = {field: value[:2] + invisible + value[2:]}
    if field == "ins_number":
        changes["ins_oid"] = "1.2.250.1.213.1.4.8"
    with pytest.raises(IdentityError) as refused:
        validate_identity(identity(**changes), TODAY)
    assert refused.value.args[0].startswith(f"{label} contient un caractère invisible")
    assert value[2:] not in refused.value.args[0], "the message never quotes the value"


@pytest.mark.parametrize("invisible", INVISIBLES)
def test_bidi_and_zero_width_characters_are_refused_in_phone_numbers(invisible: str) -> None:
    with pytest.raises(IdentityError, match=r"^Le téléphone contient un caractère invisible"):
        validate_identity(identity(phones=("01 23 45 67 89", f"06{invisible} 12")), TODAY)


def test_the_same_fields_without_invisible_characters_are_accepted() -> None:
    values = {field: value for field, _, value in IDENTITY_FIELDS}
    checked = validate_identity(identity(**values, ins_oid="1.2.250.1.213.1.4.8",
                                         phones=("06 12 34 56 78",)), TODAY)
    assert checked.birth_name == "DUPONT" and checked.nir == NIR
