"""Settings' kinds: each refuses bad input in French naming the setting, and reads the text
the vault keeps as a typed value, tolerant of what earlier versions stored."""

import pytest

from cabinet.domain.settings import (
    ADDRESS,
    CARD_MODULE,
    EXPORT_FOLDER,
    INACTIVITY_MINUTES,
    PHYSICIAN_SEX,
    RPPS,
    SETTINGS,
    TSA_URL,
    Kind,
    SettingError,
    TextSetting,
    check_setting,
)


@pytest.mark.parametrize(("setting", "typed", "words"), [
    (INACTIVITY_MINUTES, "0", "un nombre entier de 1 à 60"),
    (INACTIVITY_MINUTES, "61", "un nombre entier de 1 à 60"),
    (INACTIVITY_MINUTES, "dix", "un nombre entier de 1 à 60"),
    (INACTIVITY_MINUTES, "", "un nombre entier de 1 à 60"),
    (INACTIVITY_MINUTES, "²", "un nombre entier de 1 à 60"),
    (INACTIVITY_MINUTES, "١٠", "un nombre entier de 1 à 60"),  # Arabic-Indic digits
    (PHYSICIAN_SEX, "X", "choisissez une valeur de la liste"),
    (CARD_MODULE, "Cryptolib CPS (cartes CPS de l'ANS)", "choisissez une valeur"),  # a label
    (EXPORT_FOLDER, "exports", "depuis la racine du disque"),
    (RPPS, "12345", "11 chiffres"),
    (RPPS, "10101010101", "clé de contrôle"),
    (TSA_URL, "horodatage.example", "commençant par https://"),
    (ADDRESS, "3 rue\x1b des Lilas", "caractères non admis"),
    (ADDRESS, "x" * 501, "texte trop long"),
])
def test_each_kind_refuses_bad_input_in_french_naming_the_setting(setting, typed, words):
    with pytest.raises(SettingError, match=words) as refused:
        setting.check(typed)
    assert str(refused.value).startswith(f"{setting.label} : ")


@pytest.mark.parametrize(("setting", "typed", "stored"), [
    (INACTIVITY_MINUTES, " 15 ", "15"),
    (PHYSICIAN_SEX, "F", "F"),
    (EXPORT_FOLDER, "/media/cle-usb ", "/media/cle-usb"),
    (EXPORT_FOLDER, "", ""),  # none: asked each time
    (RPPS, "10101010105", "10101010105"),
    (TSA_URL, "https://horodatage.example/tsa", "https://horodatage.example/tsa"),
])
def test_accepted_input_is_stored_as_trimmed_text(setting, typed, stored):
    assert setting.check(typed) == stored


def test_an_unknown_setting_is_refused():
    with pytest.raises(SettingError, match="Ce paramètre n'existe pas"):
        check_setting("inconnu", "x")


@pytest.mark.parametrize(("stored", "minutes"), [
    (None, 10), ("3", 3), (" 7 ", 7), ("600", 60), ("0", 1), ("dix", 10), ("", 10), ("²", 10)])
def test_the_delay_reads_as_minutes_whatever_the_vault_holds(stored, minutes):
    assert INACTIVITY_MINUTES.read(stored) == minutes


def test_a_stored_value_the_rules_refuse_stays_visible_or_falls_back_to_the_list():
    assert RPPS.read("10101010101") == "10101010101"  # signing names what is wrong with it
    assert PHYSICIAN_SEX.read("X") == "" and CARD_MODULE.read("pkcs11") == ""
    assert INACTIVITY_MINUTES.shown("600") == "60"


def test_every_setting_is_declared_once_with_a_default_its_own_rules_accept():
    assert len({s.key for s in SETTINGS}) == len(SETTINGS)
    for setting in SETTINGS:
        assert setting.read(None) == setting.default
        assert setting.check(setting.shown(None)) == setting.shown(None)
        assert setting.label and setting.description and setting.group


def test_a_text_setting_of_a_kind_that_is_not_text_is_a_declaration_error():
    with pytest.raises(ValueError, match="not a kind of text"):
        TextSetting(key="k", label="L", description="D", group="G", kind=Kind.INTEGER)
