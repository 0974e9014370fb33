"""PAdES signatures with pyHanko, the key being the card's (PKCS#11) or the demo certificate.

pyHanko computes the CMS structure; the raw RSA signature comes from a `Signer`, the type
the card's key slots use too: the card signs through CKM_RSA_PKCS (the one mechanism every
CPS key accepts), the demo software key signs in memory. Baseline B-B by default; B-T when
a time-stamping authority URL is configured (none by default: Cabinet works offline). Every
document is certified « no changes allowed » (DocMDP P=1): an annotation or a rewritten page
appended later keeps the signed bytes valid, but is a violation for every validator that
reads the certification, `cabinet verify` included. The visible block is drawn by
`cabinet.documents.layout`; the field `cabinet.documents.pdfa` put over it keeps its empty
appearance, so pyHanko never draws its non-embedded Courier.
"""

import io
from dataclasses import dataclass

from asn1crypto import algos, x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp.noop import NoOpStampStyle

from cabinet.documents.layout import Rendered
from cabinet.documents.pdfa import SIGNATURE_FIELD
from cabinet.domain.signing import Signer


@dataclass(frozen=True)
class DocumentSigner:
    """A certificate and the means to sign with its key."""

    certificate_der: bytes
    sign: Signer
    holder: str
    rpps: str = ""
    demo: bool = False


class RawSignerAdapter(signers.Signer):
    """pyHanko's signer over a `DocumentSigner`'s `Signer`."""

    def __init__(self, document_signer: DocumentSigner) -> None:
        super().__init__(
            signing_cert=x509.Certificate.load(document_signer.certificate_der),
            signature_mechanism=algos.SignedDigestAlgorithm(
                {"algorithm": "sha256_rsa"}),
        )
        self._sign = document_signer.sign

    async def async_sign_raw(self, data: bytes, digest_algorithm: str,
                             dry_run: bool = False) -> bytes:
        """The raw RSA signature pyHanko asks for (a placeholder while it sizes the CMS)."""
        if dry_run:
            return bytes(512)  # room for a 4096-bit RSA signature
        return self._sign(data)


def sign_pdf(rendered: Rendered, signer: DocumentSigner, *, reason: str,
             tsa_url: str = "") -> bytes:
    """Sign `rendered` (already PDF/A) over its signature block; B-T when `tsa_url` is set."""
    writer = IncrementalPdfFileWriter(io.BytesIO(rendered.pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, md_algorithm="sha256", reason=reason,
        subfilter=fields.SigSeedSubFilter.PADES, certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES)
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    pdf_signer = signers.PdfSigner(meta, signer=RawSignerAdapter(signer), timestamper=timestamper,
                                   stamp_style=NoOpStampStyle())
    output = io.BytesIO()
    pdf_signer.sign_pdf(writer, existing_fields_only=True, output=output)
    return output.getvalue()
