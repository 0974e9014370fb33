"""The installation secret lives in a trusted OS keyring only (DESIGN.md §2, AUTH-3).

Runs against a real Secret Service (gnome-keyring in a private D-Bus session).
"""

import keyring.backend
import keyring.backends.fail
import keyring.backends.SecretService
import pytest

from cabinet.keys.installation_secret import ACCOUNT, SERVICE, KeyringRefused, KeyringSecretStore
from helpers.keyring_session import secret_service_env  # noqa: F401 - fixture
from helpers.refused_keyring import PlaintextKeyring


@pytest.mark.usefixtures("secret_service_env")
def test_secret_service_keeps_the_installation_secret():
    backend = keyring.backends.SecretService.Keyring()
    store = KeyringSecretStore(backend)
    first = store.installation_secret(create=True)
    assert len(first) == 32
    assert KeyringSecretStore(backend).installation_secret(create=False) == first
    assert backend.get_password(SERVICE, ACCOUNT) == first.hex()


@pytest.mark.usefixtures("secret_service_env")
def test_missing_secret_is_explained_not_created():
    backend = keyring.backends.SecretService.Keyring()
    backend.delete_password(SERVICE, ACCOUNT)
    with pytest.raises(KeyringRefused, match="absent du trousseau"):
        KeyringSecretStore(backend).installation_secret(create=False)


def test_plaintext_backend_is_refused():
    with pytest.raises(KeyringRefused, match="en clair"):
        KeyringSecretStore(PlaintextKeyring())
    assert PlaintextKeyring.passwords == {}


def test_no_backend_is_refused_with_an_explanation():
    with pytest.raises(KeyringRefused, match="Aucun trousseau sécurisé"):
        KeyringSecretStore(keyring.backends.fail.Keyring())


def test_unknown_backend_is_refused():
    class HomeMadeKeyring(PlaintextKeyring):
        pass

    HomeMadeKeyring.__module__ = "somewhere.else"
    with pytest.raises(KeyringRefused):
        KeyringSecretStore(HomeMadeKeyring())


@pytest.mark.usefixtures("secret_service_env")
def test_the_platform_keyring_is_chosen_explicitly_and_accepted():
    from cabinet.bootstrap import platform_keyring, system_secret_store

    assert type(platform_keyring()).__module__ == "keyring.backends.SecretService"
    assert len(system_secret_store().installation_secret(create=True)) == 32


def test_without_a_session_keyring_the_password_mode_is_refused(monkeypatch):
    from cabinet.bootstrap import system_secret_store

    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    with pytest.raises(KeyringRefused, match="Aucun trousseau sécurisé"):
        system_secret_store()
