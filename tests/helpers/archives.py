"""Build, open, take apart and rebuild portability archives for the archive tests."""

import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cabinet.archive import manifest as manifest_module
from cabinet.archive.container import EnvelopeReader, EnvelopeWriter, Recipient, key_opener
from cabinet.archive.reader import ArchiveReader
from cabinet.archive.signature import sign_manifest
from cabinet.bootstrap import AppContext
from cabinet.documents.demo_certificate import demo_signer
from cabinet.documents.signing import DocumentSigner
from cabinet.domain.record import EntryKind
from cabinet.errors import KnownError
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.services.portability.export import Selection
from helpers.certificates import card_certificate, signer
from helpers.records import marked_practice

__all__ = ["EntryKind", "KnownError"]
PASSPHRASE = Recipient.new_passphrase().passphrase
Member = bytes | tuple[zipfile.ZipInfo, bytes]
Opener = Callable[[dict[str, Any]], bytes]


def practice_with_history(ctx: AppContext) -> dict[str, int]:
    """The marked practice plus corrected entries (several versions) and an identity change."""
    practice = marked_practice(ctx)
    first = ctx.records.add_entry(practice.patient, EntryKind.RISK_FACTOR, {"text": "Tabac"})
    ctx.records.correct_entry(first, {"text": "Tabac sevré en 2020"}, "précision")
    ctx.records.correct_entry(first, {"text": "Tabac sevré en 2019"}, "date corrigée")
    ctx.records.add_entry(practice.patient, EntryKind.PRIVATE_NOTE,
                          {"category": "personal", "text": "Note personnelle"})
    return {"patient": practice.patient, "other": practice.other, "corrected": first}


def export(ctx: AppContext, folder: Path, recipient: Recipient | None = None,
           selection: Selection | None = None, signer: DocumentSigner | None = None) -> Path:
    """Export (the whole practice by default) to a passphrase archive in `folder`, signed by
    the demo certificate unless `signer` is given."""
    folder.mkdir(parents=True, exist_ok=True)
    result = ctx.archive_exporter.export(selection or Selection("MASSIF"),
                                         recipient or Recipient(passphrase=PASSPHRASE),
                                         Output(signer or demo_signer(), folder, CancelToken()))
    return Path(result.path)


def open_reader(path: Path, passphrase: str = PASSPHRASE) -> ArchiveReader:
    return ArchiveReader.open(path, key_opener(passphrase=passphrase))


def members(path: Path, opener: Opener | None = None) -> dict[str, bytes]:
    """Every file of the outer zip, decrypted (with the test passphrase unless `opener`)."""
    with path.open("rb") as handle, zipfile.ZipFile(
            EnvelopeReader(handle, opener or key_opener(passphrase=PASSPHRASE))) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def rebuild(files: Mapping[str, Member], target: Path, *,
            change_manifest: Callable[[manifest_module.Manifest], None] | None = None,
            resign: bool = True, signer: DocumentSigner | None = None,
            recipient: Recipient | None = None) -> Path:
    """Write `files` back as an archive; optionally edit the manifest and sign it again
    (with the same demo certificate unless `signer` is given), so only the attacked check can
    refuse it; for `recipient` (the test passphrase by default)."""
    files = dict(files)
    if change_manifest is not None:
        parsed = manifest_module.from_xml(_bytes(files[manifest_module.MANIFEST_XML]))
        change_manifest(parsed)
        files[manifest_module.MANIFEST_XML] = manifest_module.to_xml(parsed)
    if resign:
        files[manifest_module.MANIFEST_P7S] = sign_manifest(
            _bytes(files[manifest_module.MANIFEST_XML]), signer or demo_signer())
    with target.open("wb") as handle:
        envelope = EnvelopeWriter(handle, recipient or Recipient(passphrase=PASSPHRASE))
        with zipfile.ZipFile(envelope, "w") as zf:
            for name, member in files.items():
                if isinstance(member, tuple):
                    zf.writestr(member[0], member[1])
                else:
                    zf.writestr(name, member)
        envelope.close()
    return target


FORGED_NAME, FORGED_RPPS = "MARTIN Jeanne", "10101010101"


def forged_signer() -> DocumentSigner:
    """A self-signed certificate carrying the announced physician's name and RPPS."""
    key, der = card_certificate(FORGED_NAME, FORGED_RPPS)
    return DocumentSigner(der, signer(key), holder=FORGED_NAME, rpps=FORGED_RPPS)


def forge(genuine: Path, target: Path, forger: DocumentSigner) -> Path:
    """`genuine`'s packages under its manifest announcing and re-signed by `forger`."""
    fingerprint = hashlib.sha256(forger.certificate_der).hexdigest()

    def announce(listed: manifest_module.Manifest) -> None:
        listed.exporter = manifest_module.Exporter(forger.holder, forger.rpps, fingerprint)

    return rebuild(members(genuine), target, change_manifest=announce, signer=forger)


def _bytes(member: Member) -> bytes:
    return member[1] if isinstance(member, tuple) else member


def inner(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def zipped(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()
