"""An archive made for someone else, against the real `cabinet archive import` (issue 19).

The signed manifest names its recipient; an envelope re-wrapped for another certificate or for
a passphrase, its manifest and signature kept, is refused before anything is written.
"""

import dataclasses
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from cryptography.x509 import load_der_x509_certificate

from cabinet.archive import manifest
from cabinet.archive.container import EnvelopeError, Recipient, key_opener, software_decrypter
from cabinet.archive.reader import ArchiveReader
from helpers.archives import PASSPHRASE, Opener, export, members, rebuild
from helpers.certificates import card_certificate
from helpers.clock import SteppingClock
from helpers.records import marked_practice
from helpers.vaults import new_context
from test_cli import cabinet

REFUSED = "Cette archive a été préparée pour un autre destinataire"


def demo_vault(folder: Path) -> Path:
    """An empty demo vault (opened at the terminal without a secret)."""
    ctx, _ = new_context(folder, SteppingClock(), demo=True)
    ctx.lock()
    return folder


def successor(folder: Path, name: str, rpps: str) -> tuple[Recipient, Path]:
    """A successor's certificate, and their private key in a PEM file."""
    key, der = card_certificate(name, rpps)
    pem = folder / f"{rpps}.pem"
    pem.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    return Recipient(certificate=load_der_x509_certificate(der)), pem


@pytest.fixture(scope="module")
def made_for_a(tmp_path_factory) -> tuple[Path, Recipient, Path, Recipient, Path]:
    """A demo practice's archive for certificate A: (archive, A, A's key, B, B's key)."""
    base = tmp_path_factory.mktemp("archive-recipient")
    ctx, _ = new_context(base / "source", SteppingClock(), demo=True)
    marked_practice(ctx)
    recipient_a, key_a = successor(base, "DURAND Paul", "10000000001")
    recipient_b, key_b = successor(base, "PETIT Anne", "10000000002")
    path = export(ctx, base / "media", recipient_a)
    ctx.lock()
    return path, recipient_a, key_a, recipient_b, key_b


def rewrapped(made_for_a, target: Path, recipient: Recipient, change=None) -> Path:
    """A's archive, its envelope wrapped for `recipient`; its manifest and signature untouched
    unless `change` edits the manifest (then signed again by the demo certificate)."""
    path, _, key_a, _, _ = made_for_a
    return rebuild(members(path, opener(key_a)), target, resign=change is not None,
                   recipient=recipient, change_manifest=change)


def opener(pem: Path) -> Opener:
    """Opens an archive with the private key in `pem`."""
    return key_opener(decrypter=software_decrypter(load_pem_private_key(pem.read_bytes(), None)))


def test_an_envelope_rewrapped_for_another_certificate_is_refused(made_for_a, tmp_path):
    _, _, _, recipient_b, key_b = made_for_a
    forged = rewrapped(made_for_a, tmp_path / "pour-b.cabarch", recipient_b)
    vault = demo_vault(tmp_path / "successeur")
    result = cabinet("archive", "import", forged, "--vault", vault, "--key", key_b,
                     stdin="OUI\n")
    assert result.returncode != 0
    assert REFUSED in result.stderr
    assert "Import refusé" in result.stderr
    assert "Importé" not in result.stdout
    assert "Traceback" not in result.stderr


def test_an_envelope_rewrapped_for_a_passphrase_is_refused(made_for_a, tmp_path):
    forged = rewrapped(made_for_a, tmp_path / "phrase.cabarch", Recipient(passphrase=PASSPHRASE))
    vault = demo_vault(tmp_path / "successeur")
    result = cabinet("archive", "import", forged, "--vault", vault, stdin=f"{PASSPHRASE}\nOUI\n")
    assert result.returncode != 0
    assert REFUSED in result.stderr
    assert "Importé" not in result.stdout


def test_the_genuine_archive_imports_with_its_recipients_key(made_for_a, tmp_path):
    path, _, key_a, _, _ = made_for_a
    vault = demo_vault(tmp_path / "successeur")
    result = cabinet("archive", "import", path, "--vault", vault, "--key", key_a,
                     stdin="OUI\n")
    assert result.returncode == 0, result.stderr
    assert "Importé : " in result.stdout


def test_an_archive_from_before_the_recipient_field_opens_as_before(made_for_a, tmp_path):
    """No « destinataire » in the manifest (an older archive): no recipient check."""
    _, _, _, recipient_b, key_b = made_for_a

    def older(listed: manifest.Manifest) -> None:
        listed.recipient = ""

    path = rewrapped(made_for_a, tmp_path / "ancienne.cabarch", recipient_b, older)
    reader = ArchiveReader.open(path, opener(key_b))
    try:
        assert reader.check().patients == 2
    finally:
        reader.close()


@dataclasses.dataclass(frozen=True)
class NamedAsA(Recipient):
    """An envelope naming certificate A in its header, its key wrapped for `really`."""

    really: Recipient = dataclasses.field(default_factory=Recipient)

    def wrap(self, content_key: bytes) -> dict[str, str]:
        described = self.really.wrap(content_key)
        return {**described, "certificate": super().wrap(content_key)["certificate"]}


def test_a_key_file_must_be_the_header_certificates(made_for_a, tmp_path):
    """Wrapped for B under A's certificate: B's key file does not pass it off as A's."""
    _, recipient_a, _, recipient_b, key_b = made_for_a
    lying = NamedAsA(certificate=recipient_a.certificate, really=recipient_b)
    path = rewrapped(made_for_a, tmp_path / "sous-le-nom-de-a.cabarch", lying)
    with pytest.raises(EnvelopeError, match="chiffrée pour quelqu'un d'autre"):
        ArchiveReader.open(path, opener(key_b))
