"""The outgoing physician's signature over MANIFEST.XML: CMS detached (CAdES-BES), MANIFEST.P7S.

The manifest holds the SHA-256 of every sub-archive, so signing it signs the whole archive.
Checked offline (no certificate fetching): integrity, the signer's identity, and whether that
certificate chains to the practice's trust anchors (the import stops when it does not, unless
the successor types its fingerprint).
The card signs through the same `DocumentSigner` as the PDFs; pyHanko builds and checks the
CMS structure (`openssl cms -verify -binary -content MANIFEST.XML -inform DER -in
MANIFEST.P7S -noverify` checks it too).
"""

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import cms, x509
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from cabinet.documents.demo_certificate import DEMO_NAME
from cabinet.documents.signing import DocumentSigner, RawSignerAdapter
from cabinet.errors import KnownError
from cabinet.keys.card import holder_of

logging.getLogger("pyhanko.sign.validation").setLevel(logging.ERROR)
_USAGES = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                              match_all_key_usages=False)


class SignatureError(KnownError):
    """The manifest's signature is missing, invalid, or not the announced signer's."""


@dataclass(frozen=True)
class ManifestSigner:
    """Who signed the manifest, as the certificate in the signature says.

    `trusted`: the certificate chains to one of the practice's trust anchors (IGC-Santé).
    `demo`: it is named as a demo vault's certificate, which proves nothing.
    """

    name: str
    rpps: str
    certificate_sha256: str
    trusted: bool = False
    demo: bool = False


def sign_manifest(manifest: bytes, signer: DocumentSigner) -> bytes:
    """MANIFEST.P7S: a detached CMS signature of `manifest`, DER."""
    content_info = asyncio.run(RawSignerAdapter(signer).async_sign_general_data(
        manifest, "sha256", detached=True, use_cades=True))
    return bytes(content_info.dump())


def verify_manifest(manifest: bytes, signature: bytes,
                    anchors: Sequence[x509.Certificate] = ()) -> ManifestSigner:
    """The signer of an intact manifest, or `SignatureError` in French."""
    try:
        content_info = cms.ContentInfo.load(signature)
        signed_data = content_info["content"]
        if content_info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        offline = ValidationContext(trust_roots=list(anchors), allow_fetching=False,
                                    revocation_mode="soft-fail")
        status = asyncio.run(async_validate_detached_cms(
            manifest, signed_data, signer_validation_context=offline,
            key_usage_settings=_USAGES))
        certificate = status.signing_cert
    except Exception:  # noqa: BLE001 — any parsing failure of foreign bytes is a refusal
        raise SignatureError("La signature de l'archive (MANIFEST.P7S) est illisible.") \
            from None
    if not status.intact or not status.valid:
        raise SignatureError("La signature de l'archive ne correspond pas à son manifeste : "
                             "l'archive a été modifiée après sa signature.")
    der = certificate.dump()
    holder = holder_of(der)
    return ManifestSigner(holder.name, holder.rpps, hashlib.sha256(der).hexdigest(),
                          trusted=bool(anchors) and bool(status.trusted),
                          demo=holder.name == DEMO_NAME)
