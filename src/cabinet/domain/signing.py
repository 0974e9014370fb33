"""The one signer type: a card's key slots, documents and archives are all signed through it.

Below every layer that signs (keys, card, documents), so that each names the same type.
"""

from collections.abc import Callable

Signer = Callable[[bytes], bytes]
"""Returns the RSA PKCS#1 v1.5 signature of SHA-256(message): a card's key (its PIN already
given) or a software key."""
