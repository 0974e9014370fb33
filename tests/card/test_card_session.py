"""The card session asks the PIN once, through its handler, and only when the card allows it."""

import io
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from cabinet.card.session import CardSession, PinNotGiven
from cabinet.card.token import CardError
from cabinet.cli.prompts import TerminalPin


class Recorder:
    """A PIN handler that notes each notice it is shown and answers `pin`."""

    def __init__(self, pin: str | None) -> None:
        self.pin = pin
        self.notices: list[str] = []

    def get_pin(self, notice: str) -> str | None:
        self.notices.append(notice)
        return self.pin


def session_for(card) -> CardSession:
    card.insert()
    return CardSession(card.reader, [Path(card.module_path)])


def test_a_blocked_card_is_refused_before_its_pin_is_asked(pin_counter, physician_card):
    pin_counter.left = 0
    asked = Recorder(physician_card.pin)
    with pytest.raises(CardError, match="Carte bloquée"), \
            session_for(physician_card).signer(asked):
        pass
    assert asked.notices == [] and pin_counter.logins == []


def test_the_pin_is_asked_once_with_the_last_try_notice_and_signs(pin_counter, physician_card):
    """The card's one `Signer` signs a message (SHA-256, PKCS#1 v1.5), as a document's does."""
    pin_counter.left = 1
    asked = Recorder(physician_card.pin)
    with session_for(physician_card).signer(asked) as (_, sign):
        signature = sign(b"ordonnance")
    assert len(asked.notices) == 1 and "un seul essai" in asked.notices[0]
    assert pin_counter.logins == [physician_card.pin]
    physician_card.certificate.public_key().verify(signature, b"ordonnance",
                                                   padding.PKCS1v15(), hashes.SHA256())


def test_no_pin_given_leaves_the_card_untouched(pin_counter, physician_card):
    with pytest.raises(PinNotGiven), session_for(physician_card).signer(Recorder(None)):
        pass
    assert pin_counter.logins == []


def test_the_terminal_says_the_notice_and_an_empty_line_gives_no_pin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n\n"))
    pins = TerminalPin()
    assert pins.get_pin("Attention : un seul essai reste.") == "1234"
    assert pins.get_pin("") is None
    assert capsys.readouterr().err.count("Attention : un seul essai reste.") == 1
