"""Forged portability archives against the real `cabinet archive import` (issue 19, CONT-3).

Anyone can make a certificate carrying the outgoing physician's name: the signer must chain
to the practice's trust anchors, or the successor types its fingerprint as the predecessor
read it out; a demo certificate never enters a real vault.
"""

import hashlib
from pathlib import Path

import pytest

from cabinet.archive import manifest
from cabinet.domain.audit import AccessMode
from cabinet.vault.session import Credential, unlock
from helpers.archives import PASSPHRASE, export, forge, forged_signer, members
from helpers.clock import SteppingClock
from helpers.records import marked_practice
from helpers.vaults import new_context
from test_cli import cabinet


@pytest.fixture(scope="module")
def genuine(tmp_path_factory) -> Path:
    """A demo practice's archive, signed by the demo certificate, for the test passphrase."""
    base = tmp_path_factory.mktemp("archive-trust")
    ctx, _ = new_context(base / "source", SteppingClock(), demo=True)
    marked_practice(ctx)
    path = export(ctx, base / "media")
    ctx.lock()
    return path


def real_vault(folder: Path) -> str:
    """A practice's (non-demo) vault; its recovery key opens it at the terminal."""
    ctx, key = new_context(folder, SteppingClock())
    ctx.lock()
    return key


def journal_details(folder: Path, key: str) -> list[str]:
    from cabinet.bootstrap import build_context

    ctx = build_context(unlock(folder, Credential(AccessMode.RECOVERY, key), SteppingClock(),
                               "poste"))
    try:
        return [f"{row[1].target} {row[1].detail}"
                for row in ctx.vault.store.journal_rows_after(0, 100_000)]
    finally:
        ctx.lock()


def test_a_self_signed_certificate_with_the_announced_name_is_refused(genuine, tmp_path):
    forged = forge(genuine, tmp_path / "forged.cabarch", forged_signer())
    key = real_vault(tmp_path / "successeur")
    result = cabinet("archive", "import", forged, "--vault", tmp_path / "successeur",
                     stdin=f"{key}\n{PASSPHRASE}\n\nOUI\n")
    assert result.returncode != 0
    assert "n'est reconnu par aucune autorité de confiance" in result.stderr
    assert "Importé" not in result.stdout
    assert "Traceback" not in result.stderr
    assert not any("portability import" in d for d in journal_details(tmp_path / "successeur",
                                                                        key))


def test_the_fingerprint_read_out_by_the_predecessor_lets_it_in_and_is_journaled(
        genuine, tmp_path):
    forger = forged_signer()
    fingerprint = hashlib.sha256(forger.certificate_der).hexdigest()
    forged = forge(genuine, tmp_path / "forged.cabarch", forger)
    vault = tmp_path / "successeur"
    key = real_vault(vault)
    wrong = cabinet("archive", "import", forged, "--vault", vault,
                    stdin=f"{key}\n{PASSPHRASE}\n{'0' * 64}\nOUI\n")
    assert wrong.returncode != 0
    assert "n'est pas celle du certificat" in wrong.stderr
    spaced = " ".join(fingerprint[i:i + 4].upper() for i in range(0, 64, 4))
    result = cabinet("archive", "import", forged, "--vault", vault,
                     stdin=f"{key}\n{PASSPHRASE}\n{spaced}\nOUI\n")
    assert result.returncode == 0, result.stderr
    assert "Importé : 2 patient(s)" in result.stdout
    assert f"portability signer {genuine_id(genuine)} certificat non reconnu, empreinte " \
        f"tapée {fingerprint}" in journal_details(vault, key)


def test_a_demo_archive_never_enters_a_real_vault(genuine, tmp_path):
    vault = tmp_path / "successeur"
    key = real_vault(vault)
    demo_fingerprint = manifest.from_xml(members(genuine)[manifest.MANIFEST_XML]) \
        .exporter.certificate_sha256
    result = cabinet("archive", "import", genuine, "--vault", vault, "--empreinte",
                     demo_fingerprint, stdin=f"{key}\n{PASSPHRASE}\nOUI\n")
    assert result.returncode != 0
    assert "certificat de démonstration" in result.stderr
    assert "Importé" not in result.stdout


def genuine_id(path: Path) -> str:
    return manifest.from_xml(members(path)[manifest.MANIFEST_XML]).export_id


def test_a_forgery_reusing_the_export_id_never_blocks_the_genuine_archive(genuine, tmp_path):
    """« Already imported » is the signed manifest and its signer, not the export number."""
    predecessor, attacker = forged_signer(), forged_signer()  # same name, two certificates
    genuine_one = forge(genuine, tmp_path / "genuine.cabarch", predecessor)
    forgery = forge(genuine, tmp_path / "forged.cabarch", attacker)
    assert genuine_id(genuine_one) == genuine_id(forgery)
    vault = tmp_path / "successeur"
    key = real_vault(vault)

    def imported(path: Path, signer_der: bytes, duplicates: int = 0) -> tuple[int, str, str]:
        fingerprint = hashlib.sha256(signer_der).hexdigest()
        result = cabinet("archive", "import", path, "--vault", vault, "--empreinte", fingerprint,
                         stdin=f"{key}\n{PASSPHRASE}\n" + "D\n" * duplicates + "OUI\n")
        return result.returncode, result.stdout, result.stderr

    code, out, err = imported(forgery, attacker.certificate_der)
    assert code == 0, err
    code, out, err = imported(genuine_one, predecessor.certificate_der, duplicates=2)
    assert code == 0, err
    assert "Importé" in out
    assert "même numéro d'export" in out
    code, out, err = imported(genuine_one, predecessor.certificate_der, duplicates=2)
    assert code != 0
    assert "déjà été importée" in err
