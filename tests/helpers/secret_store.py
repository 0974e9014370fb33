"""An in-memory installation-secret store, for tests that are not about the keyring itself.

The real OS keyring (Secret Service through gnome-keyring) is exercised in
tests/keys/test_keyring.py; elsewhere this stand-in keeps tests fast and independent.
"""

import secrets


class MemorySecretStore:
    """Holds the installation secret in memory, like one workstation's keyring."""

    def __init__(self) -> None:
        self.secret: bytes | None = None

    def installation_secret(self, *, create: bool) -> bytes:
        if self.secret is None and create:
            self.secret = secrets.token_bytes(32)
        if self.secret is None:
            from cabinet.keys.installation_secret import KeyringRefused

            raise KeyringRefused("Le secret de ce poste est absent du trousseau.")
        return self.secret
