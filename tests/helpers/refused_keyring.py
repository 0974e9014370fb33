"""A keyring backend that claims to be keyrings.alt's file backend, for the refusal tests.

Cabinet never depends on keyrings.alt (it keeps secrets in a plain file): this stand-in only
carries that backend's module name, so the tests can prove such a backend is refused before
any secret reaches it. It stores nothing outside this process's memory.
"""

import keyring.backend


class PlaintextKeyring(keyring.backend.KeyringBackend):
    """Impersonates keyrings.alt's file backend; keeps what it is given in memory only."""

    priority = 1
    passwords: dict[tuple[str, str], str] = {}  # noqa: RUF012

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


PlaintextKeyring.__module__ = "keyrings.alt.file"
