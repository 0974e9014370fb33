"""Practice settings: defaults, checked values, journaled changes."""

import pytest

from cabinet.errors import InvalidInput


def test_defaults_then_changes_are_kept_and_journaled(ctx):
    assert ctx.settings.current()["inactivity_minutes"] == "10"
    ctx.settings.change({"inactivity_minutes": "3", "rpps": "10023456782"})
    assert ctx.settings.current()["inactivity_minutes"] == "3"
    event = ctx.vault.store.audit_rows(None, 1)[0]
    assert event["action"] == "admin" and "inactivity_minutes, rpps" in event["detail"]


@pytest.mark.parametrize(("key", "value", "words"), [
    ("inactivity_minutes", "0", "de 1 à 60"),
    ("inactivity_minutes", "dix", "de 1 à 60"),
    ("inactivity_minutes", "600", "de 1 à 60"),
    ("inactivity_minutes", "²", "de 1 à 60"),  # a digit to str.isdigit, not to int()
    ("rpps", "12345", "11 chiffres"),
    ("rpps", "10101010101", "clé de contrôle"),  # one digit mistyped: the Luhn key breaks
    ("physician_sex", "X", "choisissez une valeur"),
    ("physician_name", "Dr\x1bX", "non admis"),
    ("inconnu", "x", "n'existe pas"),
])
def test_refused_values_change_nothing(ctx, key, value, words):
    ctx.settings.change({"physician_name": "Dr Martin"})
    with pytest.raises(InvalidInput, match=words):
        ctx.settings.change({"physician_name": "Dr Autre", key: value})
    assert ctx.settings.current()["physician_name"] == "Dr Martin"


def test_the_physicians_civility_is_a_setting_with_a_french_label(ctx):
    from cabinet.domain.settings import SETTINGS_BY_KEY

    setting = SETTINGS_BY_KEY["physician_sex"]
    assert setting.label == "Civilité du médecin"
    assert ctx.settings.current()["physician_sex"] == ""
    ctx.settings.change({"physician_sex": "F"})
    assert ctx.settings.current()["physician_sex"] == "F"


def test_values_read_typed_without_any_caller_converting_text(ctx):
    from cabinet.domain.settings import EXPORT_FOLDER, INACTIVITY_MINUTES, PHYSICIAN_SEX

    assert ctx.settings.value(INACTIVITY_MINUTES) == 10
    ctx.settings.change({"inactivity_minutes": "25", "physician_sex": "M"})
    assert ctx.settings.value(INACTIVITY_MINUTES) == 25
    assert ctx.settings.value(PHYSICIAN_SEX) == "M"
    assert ctx.settings.value(EXPORT_FOLDER) == ""


def test_a_value_stored_by_an_earlier_version_still_reads(ctx):
    from cabinet.domain.settings import INACTIVITY_MINUTES

    ctx.vault.store.put_setting("inactivity_minutes", " 90", "Dr Martin", "2025-01-01T00:00:00")
    assert ctx.settings.value(INACTIVITY_MINUTES) == 60
    assert ctx.settings.current()["inactivity_minutes"] == "60"
