"""The two kinds of error the application knows.

A `KnownError` comes from the environment or from the user's input (wrong key, missing file,
malformed entry): it carries a plain French message meant for the physician and never any
patient data. Anything else is a bug, reported by the crash path without patient data.
"""


class Error(Exception):
    """Base class of every error raised on purpose by Cabinet."""


class KnownError(Error):
    """An error the physician can understand and act on; `message` is French UI text.

    The message must never contain patient data or secrets: it may reach logs and dialogs.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(KnownError):
    """Input rejected before anything was written."""


class VaultError(KnownError):
    """The vault cannot be opened or used (wrong key, missing, foreign or newer file)."""


class WrongKey(VaultError):
    """The key material offered does not open the vault."""


class AuditMissing(Error):
    """A service method touched medical data without writing its audit event (a bug)."""
