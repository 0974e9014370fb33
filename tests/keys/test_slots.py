"""Key slots: each way in unwraps the data key, and nothing else does (DESIGN.md §2)."""

import copy
import json
import unicodedata

import pytest

from cabinet.domain.audit import AccessMode
from cabinet.errors import InvalidInput, VaultError, WrongKey
from cabinet.keys import recovery
from cabinet.keys.demo import DEMO_PASSWORD, add_demo_slot
from cabinet.keys.header import KeyHeader, Slot, b64
from cabinet.keys.password import (
    Argon2Parameters,
    derive_wrapping_key,
    set_password_slot,
    unlock_with_password,
)
from cabinet.keys.wrapping import new_data_key, seal_slot
from cabinet.vault.header import read_header, write_header
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import Credential, create_vault, unlock
from helpers.secret_store import MemorySecretStore
from helpers.vaults import OWNER

STRONG = "Consultation-du-Lundi-2026!"
FAST = Argon2Parameters(time_cost=1, memory_kib=8192, parallelism=1)


def empty_header(demo: bool = False) -> KeyHeader:
    return KeyHeader(vault_id="v-1", created_at="2026-11-02", demo=demo, audit_public_key="")


def test_recovery_key_round_trip():
    header, data_key = empty_header(), new_data_key()
    printed = recovery.add_recovery_slot(header, data_key, "2026-11-02")
    assert len(printed.split("-")) == 10
    assert recovery.unlock_with_recovery_key(header, printed) == data_key
    sloppy = printed.lower().replace("-", " ")
    assert recovery.unlock_with_recovery_key(header, sloppy) == data_key


def test_recovery_key_typo_is_told_apart_from_a_wrong_key():
    header = empty_header()
    printed = recovery.add_recovery_slot(header, new_data_key(), "2026-11-02")
    typo = ("B" if printed[0] != "B" else "C") + printed[1:]
    with pytest.raises(WrongKey, match="faute de frappe"):
        recovery.unlock_with_recovery_key(header, typo)


def test_slot_moved_to_another_vault_does_not_unwrap():
    header, data_key = empty_header(), new_data_key()
    printed = recovery.add_recovery_slot(header, data_key, "2026-11-02")
    stolen = copy.deepcopy(header)
    stolen.vault_id = "v-2"
    with pytest.raises(WrongKey):
        recovery.unlock_with_recovery_key(stolen, printed)


def test_tampered_wrapped_key_does_not_unwrap():
    header = empty_header()
    printed = recovery.add_recovery_slot(header, new_data_key(), "2026-11-02")
    slot = header.slots[0]
    ciphertext = bytearray(slot.wrapped["ciphertext"], "ascii")
    ciphertext[5] = ord("A") if ciphertext[5] != ord("A") else ord("B")
    slot.wrapped["ciphertext"] = ciphertext.decode()
    with pytest.raises(WrongKey):
        recovery.unlock_with_recovery_key(header, printed)


def test_password_slot_round_trip_mixes_the_installation_secret():
    header, data_key, store = empty_header(), new_data_key(), MemorySecretStore()
    set_password_slot(header, data_key, STRONG, created_at="t", store=store, params=FAST)
    assert unlock_with_password(header, STRONG, store) == data_key
    other_workstation = MemorySecretStore()
    other_workstation.secret = b"\x01" * 32
    with pytest.raises(WrongKey, match="incorrect"):
        unlock_with_password(header, STRONG, other_workstation)


def test_password_slot_records_its_argon2id_parameters():
    header, store = empty_header(), MemorySecretStore()
    set_password_slot(header, new_data_key(), STRONG, created_at="t", store=store)
    params = header.slots_of("password")[0].params
    assert params["kdf"] == "argon2id"
    assert params["memory_kib"] >= 65536 and params["time_cost"] >= 3
    assert STRONG not in header.to_bytes().decode()


def test_wrong_password_is_refused():
    header, store = empty_header(), MemorySecretStore()
    set_password_slot(header, new_data_key(), STRONG, created_at="t", store=store, params=FAST)
    with pytest.raises(WrongKey, match="Mot de passe incorrect"):
        unlock_with_password(header, STRONG + "x", store)


@pytest.mark.parametrize("weak", ["motdepasse", "Abcdefgh12", "aaaaaaaaaaaaaaaaaaaaaa"])
def test_weak_password_is_refused_with_the_cnil_explanation(weak):
    header, store = empty_header(), MemorySecretStore()
    with pytest.raises(InvalidInput) as refused:
        set_password_slot(header, new_data_key(), weak, created_at="t", store=store)
    assert header.slots == []
    assert store.secret is None
    assert "CNIL" in refused.value.message or "courant" in refused.value.message \
        or "répète" in refused.value.message


def test_password_unlock_without_slot_says_degraded_mode_is_off():
    with pytest.raises(WrongKey, match="pas activé"):
        unlock_with_password(empty_header(), STRONG, MemorySecretStore())


def test_degraded_unlock_of_a_real_vault_is_journaled_as_degraded(vault_dir, clock):
    opened, _ = create_vault(vault_dir, OWNER, clock, "poste")
    store = MemorySecretStore()
    opened.set_password(STRONG, store, clock, FAST)
    opened.lock(clock)
    assert not any(opened.data_key), "the key held in memory is wiped at lock"
    with pytest.raises(WrongKey):
        unlock(vault_dir, Credential(AccessMode.DEGRADED, "Mauvais-Mot-de-Passe-1!"), clock,
               "poste", secrets=store)
    reopened = unlock(vault_dir, Credential(AccessMode.DEGRADED, STRONG), clock, "poste",
                      secrets=store)
    events = reopened.store.audit_rows(None, 10)
    assert events[0]["action"] == "connect" and events[0]["mode"] == "degraded"
    assert events[1]["action"] == "connect_failed" and events[1]["mode"] == "degraded"
    assert STRONG not in json.dumps(events)
    reopened.lock(clock)


def test_renewed_recovery_key_replaces_the_old_one(vault_dir, clock):
    opened, old_key = create_vault(vault_dir, OWNER, clock, "poste")
    new_key = opened.renew_recovery_key(clock)
    opened.lock(clock)
    with pytest.raises(WrongKey):
        unlock(vault_dir, Credential(AccessMode.RECOVERY, old_key), clock, "poste")
    unlock(vault_dir, Credential(AccessMode.RECOVERY, new_key), clock, "poste").lock(clock)


def test_demo_slot_only_in_a_demo_header():
    with pytest.raises(VaultError):
        add_demo_slot(empty_header(demo=False), new_data_key(), "t")


def test_demo_slot_smuggled_into_a_real_vault_header_is_refused(vault_dir, clock):
    opened, _ = create_vault(vault_dir, OWNER, clock, "poste")
    opened.lock(clock)
    layout = VaultLayout(vault_dir)
    header = read_header(layout.header)
    demo_header = copy.deepcopy(header)
    demo_header.demo = True
    add_demo_slot(demo_header, new_data_key(), "t")
    header.slots += demo_header.slots_of("demo")
    write_header(layout.header, header)
    with pytest.raises(VaultError, match="pas un coffre de démonstration"):
        unlock(vault_dir, Credential(AccessMode.DEMO, DEMO_PASSWORD), clock, "poste")
    doc = json.loads(layout.header.read_text())
    doc["demo"] = True
    layout.header.write_text(json.dumps(doc))
    # marked demo, but the smuggled slot wraps another key: the vault stays shut
    with pytest.raises(VaultError):
        unlock(vault_dir, Credential(AccessMode.DEMO, DEMO_PASSWORD), clock, "poste")


ACCENTED = "Pédiatrie-Éphémère-2026!"


@pytest.mark.parametrize("typed_form", ["NFC", "NFD"])
@pytest.mark.parametrize("set_form", ["NFC", "NFD"])
def test_password_unlocks_whatever_its_unicode_form(set_form, typed_form):
    header, data_key, store = empty_header(), new_data_key(), MemorySecretStore()
    set_password_slot(header, data_key, unicodedata.normalize(set_form, ACCENTED),
                      created_at="t", store=store, params=FAST)
    typed = unicodedata.normalize(typed_form, ACCENTED)
    assert unlock_with_password(header, typed, store) == data_key


def test_compatibility_forms_are_the_same_password():
    # A no-break space (French keyboards, pastes) and full-width letters read the same.
    header, data_key, store = empty_header(), new_data_key(), MemorySecretStore()
    set_password_slot(header, data_key, "Visite du Lundi 07h30 !", created_at="t",
                      store=store, params=FAST)
    assert unlock_with_password(header, "Visite du Lundi 07h30\u00a0!", store) == data_key
    assert unlock_with_password(header, "Ｖisite du Lundi 07h30 !", store) == data_key


def old_slot(header, data_key, password, store):
    """A slot as Cabinet made it before normalisation: the raw password, no form recorded."""
    salt = b"s" * 16
    key = derive_wrapping_key(password, salt, FAST, store.installation_secret(create=True))
    header.slots.append(seal_slot(header, Slot(
        type="password", id="old", created_at="t", wrapped={},
        params={"kdf": "argon2id", "salt": b64(salt), "time_cost": FAST.time_cost,
                "memory_kib": FAST.memory_kib, "parallelism": FAST.parallelism,
                "installation_secret": True}, label="Mot de passe du mode dégradé"),
        key, data_key))


@pytest.mark.parametrize("set_form", ["NFC", "NFD"])
def test_a_slot_made_before_normalisation_still_opens_in_either_form(set_form):
    header, data_key, store = empty_header(), new_data_key(), MemorySecretStore()
    old_slot(header, data_key, unicodedata.normalize(set_form, ACCENTED), store)
    for typed_form in ("NFC", "NFD"):
        typed = unicodedata.normalize(typed_form, ACCENTED)
        assert unlock_with_password(header, typed, store) == data_key
    with pytest.raises(WrongKey, match="Mot de passe incorrect"):
        unlock_with_password(header, ACCENTED + "x", store)


def test_a_new_slot_records_its_normalisation():
    header, store = empty_header(), MemorySecretStore()
    set_password_slot(header, new_data_key(), STRONG, created_at="t", store=store, params=FAST)
    assert header.slots_of("password")[0].params["normalization"] == "NFKC"
