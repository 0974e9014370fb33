"""The per-installation secret kept in the operating system's keyring.

It is mixed into the password slot so that a copied vault plus a guessed password is not
enough. Only keyrings that protect their content are accepted: a plaintext or unknown
backend is refused and the password slot then says why it is unavailable.
"""

import secrets
from typing import TYPE_CHECKING, Protocol

from cabinet.errors import KnownError

if TYPE_CHECKING:  # keyring is imported only when a password is used (cold-start budget)
    from keyring.backend import KeyringBackend

SERVICE = "Cabinet"
ACCOUNT = "installation-secret"
SECRET_BYTES = 32

# Backends that keep secrets encrypted under the user's session.
TRUSTED_BACKEND_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
    "keyring.backends.kwallet",
)


class KeyringRefused(KnownError):
    """No trustworthy keyring: the degraded-mode password cannot be used here."""


class SecretStore(Protocol):
    """Where the installation secret lives."""

    def installation_secret(self, *, create: bool) -> bytes:
        """Return the secret, creating it if asked and absent."""
        ...


def check_backend(backend: "KeyringBackend") -> None:
    """Refuse a keyring that stores in clear or that Cabinet does not know."""
    module = type(backend).__module__
    if module.startswith(TRUSTED_BACKEND_MODULES):
        return
    if module.startswith("keyrings.alt") or "plaintext" in type(backend).__name__.lower():
        raise KeyringRefused(
            "Le trousseau du système enregistre les secrets en clair : le mode dégradé par "
            "mot de passe est désactivé sur ce poste."
        )
    raise KeyringRefused(
        "Aucun trousseau sécurisé du système n'est disponible (trousseau de session, "
        "Trousseau macOS, Gestionnaire d'identification Windows) : le mode dégradé par mot "
        "de passe est indisponible sur ce poste."
    )


class KeyringSecretStore:
    """The installation secret in the OS keyring, refused if the keyring is not trusted."""

    def __init__(self, backend: "KeyringBackend") -> None:
        check_backend(backend)
        self._backend = backend

    def installation_secret(self, *, create: bool) -> bytes:
        """Return the installation secret, creating it on first use if `create`."""
        try:
            stored = self._backend.get_password(SERVICE, ACCOUNT)
            if stored is None and create:
                stored = secrets.token_hex(SECRET_BYTES)
                self._backend.set_password(SERVICE, ACCOUNT, stored)
        except _keyring_errors():
            raise KeyringRefused(
                "Le trousseau du système ne répond pas (session verrouillée ?) : "
                "le mode dégradé par mot de passe est indisponible."
            ) from None
        if stored is None:
            raise KeyringRefused(
                "Le secret de ce poste est absent du trousseau : le mot de passe du mode "
                "dégradé a été défini sur un autre poste ou le trousseau a été réinitialisé."
            )
        return bytes.fromhex(stored)


def _keyring_errors() -> type[Exception]:
    import keyring.errors

    return keyring.errors.KeyringError
