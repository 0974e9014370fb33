"""The card as the command line's everyday way in (issue 13, item 9).

`cabinet` runs as a real process over the real pcscd, a virtual reader and a SoftHSM token;
every command that opens a vault goes through the same choice (cli.access.open_context).
"""

from pathlib import Path

import pytest

from cabinet.bootstrap import VaultDoor
from cabinet.vault.session import create_vault
from helpers.vaults import OWNER
from test_cli import cabinet

PIN_PROMPT = "Code PIN de la carte CPS"


@pytest.fixture
def card_vault(tmp_path, clock, physician_card):
    """A practice's vault with Dr Martin's card enrolled; the card is out of the reader."""
    folder = tmp_path / "coffre"
    opened, recovery_key = create_vault(folder, OWNER, clock, "poste")
    physician_card.insert()
    physician_card.enrol_into(opened, clock)
    opened.lock(clock)
    physician_card.remove()
    return folder, recovery_key


def test_with_the_card_inserted_vault_check_opens_with_its_pin(card_vault, physician_card,
                                                               clock):
    folder, _ = card_vault
    physician_card.insert()
    result = cabinet("vault", "check", "--vault", folder, stdin=f"{physician_card.pin}\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert PIN_PROMPT in result.stderr and "Clé de secours" not in result.stderr
    assert "Intégrité des pages chiffrées : correcte" in result.stdout
    door = VaultDoor(folder, clock, card_module=Path(physician_card.module_path))
    ctx = door.open_with_card(physician_card.reader, physician_card.pin)
    try:
        connections = [e for e in ctx.vault.store.audit_rows(None, 20)
                       if e["action"] == "connect"]
        assert [(e["mode"], e["actor"]) for e in connections[:2]] == [
            ("card", "Dr Jeanne Martin")] * 2
    finally:
        ctx.lock()


def test_an_export_command_takes_the_same_way_in(card_vault, physician_card):
    folder, _ = card_vault
    physician_card.insert()
    result = cabinet("copy", "list", "--vault", folder, stdin=f"{physician_card.pin}\n")
    assert result.returncode == 0, result.stderr
    assert PIN_PROMPT in result.stderr and "Clé de secours" not in result.stderr


def test_a_wrong_pin_is_refused_in_french_with_the_tries_left(card_vault, physician_card):
    folder, _ = card_vault
    physician_card.insert()
    result = cabinet("audit", "verify", "--vault", folder, stdin="0000\n")
    assert result.returncode == 2
    assert "Code PIN incorrect. Il reste peu d'essais avant le blocage de la carte." \
        in result.stderr
    assert "Clé de secours" not in result.stderr and "Traceback" not in result.stderr


def test_without_a_card_the_recovery_key_is_asked_as_before(card_vault):
    folder, recovery_key = card_vault
    result = cabinet("vault", "check", "--vault", folder, stdin=f"{recovery_key}\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert PIN_PROMPT not in result.stderr and "Clé de secours" in result.stderr


def test_an_empty_pin_leaves_the_card_for_the_recovery_key(card_vault, physician_card):
    folder, recovery_key = card_vault
    physician_card.insert()
    result = cabinet("audit", "verify", "--vault", folder, stdin=f"\n{recovery_key}\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert PIN_PROMPT in result.stderr and "Clé de secours" in result.stderr
