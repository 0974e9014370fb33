"""What the physician reads after a wrong PIN, for the states only a real card reaches."""

import pkcs11.exceptions
import pytest

from cabinet.card import token
from helpers.fake_token import COUNT_LOW, FINAL_TRY, LOCKED, FakeToken


def refusal(fake: FakeToken) -> str:
    with pytest.raises(token.CardError) as caught, token.signer(fake, "0000"):
        pass
    assert fake.logins == ["0000"]  # the PIN is given once, never retried
    return caught.value.message


def test_second_wrong_pin_warns_of_the_last_try():
    assert refusal(FakeToken(flags=FINAL_TRY)) == (
        "Code PIN incorrect. Attention : dernier essai avant blocage de la carte.")


def test_few_tries_left():
    assert "peu d'essais" in refusal(FakeToken(flags=COUNT_LOW))


def test_third_wrong_pin_blocks_and_offers_the_degraded_mode():
    message = refusal(FakeToken(flags=LOCKED))
    assert "Carte bloquée" in message
    assert "8 chiffres" in message
    assert "mode dégradé" in message


def test_a_card_already_blocked_says_so_at_once():
    message = refusal(FakeToken(raises=pkcs11.exceptions.PinLocked))
    assert "Carte bloquée" in message


def test_a_pin_of_the_wrong_length_is_explained():
    assert "4 chiffres" in refusal(FakeToken(raises=pkcs11.exceptions.PinLenRange))


def test_a_card_its_token_says_blocked_never_receives_the_pin():
    fake = FakeToken(flags=LOCKED, flags_before=LOCKED)
    with pytest.raises(token.CardError, match="Carte bloquée"), token.signer(fake, "1234"):
        pass
    assert fake.logins == []


def test_the_physician_is_warned_before_typing_the_last_try():
    assert "un seul essai" in token.pin_state(FakeToken(flags_before=FINAL_TRY)).notice
    assert token.pin_state(FakeToken(flags_before=LOCKED)) == (
        token.blocked_card().message, True)
    assert token.pin_state(FakeToken()) == ("", False)


def test_opensc_s_not_logged_in_after_a_pin_is_a_wrong_pin():
    message = refusal(FakeToken(raises=pkcs11.exceptions.UserNotLoggedIn, flags=FINAL_TRY))
    assert message == "Code PIN incorrect. Attention : dernier essai avant blocage de la carte."
