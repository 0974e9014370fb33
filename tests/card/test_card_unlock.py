"""Card + PIN unlock on the real stack: pcscd, a virtual reader, a SoftHSM2 token (AUTH-1, -5).

Attacks: wrong PIN, another physician's card, a card that is not in the reader, pcscd stopped.
"""

import time
from pathlib import Path

import pytest

from cabinet.bootstrap import VaultDoor
from cabinet.card import development, token
from cabinet.card.presence import NO_SERVICE, CardWatcher, read_readers
from cabinet.errors import WrongKey
from cabinet.vault.session import create_vault
from helpers.vaults import OWNER, identity


@pytest.fixture
def door(vault_dir, clock, physician_card):
    vault, _ = create_vault(vault_dir, OWNER, clock, "poste")
    physician_card.insert()
    holder = physician_card.enrol_into(vault, clock)
    assert holder.rpps == "10101010101"
    vault.lock(clock)
    return VaultDoor(vault_dir, clock, card_module=Path(physician_card.module_path))


def test_the_development_card_reports_its_token_serial(physician_card):
    physician_card.insert()
    assert development.card_serial(physician_card.reader) == physician_card.serial


def test_card_and_pin_open_the_vault_as_the_holder(door, physician_card):
    ctx = door.open_with_card(physician_card.reader, physician_card.pin)
    patient = ctx.patients.create(identity())
    ctx.records.open_record(patient)
    actors = {(e["actor"], e["actor_id"], e["mode"]) for e in ctx.vault.store.audit_rows(None, 3)}
    assert actors == {("Dr Jeanne Martin", "10101010101", "card")}
    ctx.lock()


def test_a_wrong_pin_is_refused_and_journaled(door, physician_card):
    with pytest.raises(token.CardError, match="Code PIN incorrect"):
        door.open_with_card(physician_card.reader, "0000")
    ctx = door.open_with_card(physician_card.reader, physician_card.pin)
    failed = [e for e in ctx.vault.store.audit_rows(None, 10) if e["action"] == "connect_failed"]
    assert len(failed) == 1 and failed[0]["mode"] == "card"
    assert "0000" not in str(failed)
    ctx.lock()


def test_another_physicians_card_is_refused(door, physician_card, other_physician_card):
    physician_card.remove()
    other_physician_card.insert()
    with pytest.raises(WrongKey, match="pas enregistrée"):
        door.open_with_card(other_physician_card.reader, other_physician_card.pin)


def test_a_module_outside_the_allowed_list_is_never_loaded(tmp_path):
    fake = tmp_path / "libevil-pkcs11.so"
    fake.write_bytes(b"\x7fELF")
    with pytest.raises(token.CardError, match="pas autorisé"):
        token.load_module(fake)


def test_the_watcher_sees_insertion_and_removal_within_a_second(physician_card):
    seen = []
    watcher = CardWatcher(lambda readers: seen.append((time.monotonic(), readers)))
    watcher.start()
    try:
        start = time.monotonic()
        physician_card.insert(wait=False)
        inserted = _wait(seen, start, lambda r: physician_card.reader in r.card_readers())
        assert inserted - start < 1.0
        assert "Carte insérée" in seen[-1][1].describe()
        start = time.monotonic()
        physician_card.remove(wait=False)
        removed = _wait(seen, start, lambda r: physician_card.reader not in r.card_readers())
        assert removed - start < 1.0
        assert "insérez votre carte" in seen[-1][1].describe()
    finally:
        watcher.stop()


def test_pcscd_stopped_is_explained_and_survived(card_reader, physician_card):
    card_reader.stop()
    try:
        assert read_readers().problem == NO_SERVICE
    finally:
        card_reader.start()
    physician_card.insert()
    assert physician_card.reader in read_readers().card_readers()


def _wait(seen, since, condition, timeout=3.0):
    """When the watcher first reported a state meeting `condition` after `since`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for at, readers in list(seen):
            if at >= since and condition(readers):
                return at
        time.sleep(0.01)
    raise AssertionError("no such card event")


def test_vault_create_enrols_the_card_in_the_reader(physician_card, tmp_path, clock):
    from cabinet.bootstrap import VaultDoor
    from test_cli import cabinet

    physician_card.insert()
    folder = tmp_path / "coffre"
    result = cabinet("vault", "create", "--vault", folder, "--card", "--card-module",
                     physician_card.module_path,
                     stdin=f"Dr Jeanne Martin\n10101010101\n{physician_card.pin}\n"
                           "hors igc-sante\n")  # a test card: typed confirmation
    assert result.returncode == 0, result.stderr
    assert "n'est pas émise par l'IGC-Santé" in result.stderr
    assert "Carte CPS enregistrée" in result.stdout
    door = VaultDoor(folder, clock, card_module=Path(physician_card.module_path))
    ctx = door.open_with_card(physician_card.reader, physician_card.pin)
    try:
        assert ctx.vault.actor.name == "Dr Jeanne Martin"
    finally:
        ctx.lock()


def test_vault_create_without_a_card_says_so_and_creates_nothing(card_reader, tmp_path):
    from test_cli import cabinet

    result = cabinet("vault", "create", "--vault", tmp_path / "coffre", "--card",
                     stdin="Dr Jeanne Martin\n10101010101\n")
    assert result.returncode == 2
    assert "Aucune carte dans le lecteur" in result.stderr
    assert not (tmp_path / "coffre").exists()  # no vault whose recovery key was never shown


def test_vault_create_with_a_wrong_pin_leaves_nothing_and_can_be_run_again(
        physician_card, tmp_path):
    from test_cli import cabinet

    physician_card.insert()
    folder = tmp_path / "coffre"
    command = ("vault", "create", "--vault", folder, "--card", "--card-module",
               physician_card.module_path)
    failed = cabinet(*command, stdin="Dr Jeanne Martin\n10101010101\n0000\n")
    assert failed.returncode == 2
    assert "Code PIN incorrect" in failed.stderr
    assert "rien n'a été gardé" in failed.stderr
    assert not folder.exists()
    again = cabinet(*command, stdin=f"Dr Jeanne Martin\n10101010101\n{physician_card.pin}\n"
                                    "hors igc-sante\n")
    assert again.returncode == 0, again.stderr
    assert "Clé de secours" in again.stdout
