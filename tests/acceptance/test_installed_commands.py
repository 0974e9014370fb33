"""Every command of the README's table, run as the installed `cabinet` on a 300-patient practice.

The practice is created by `cabinet demo`; a second, real vault (opened with its recovery key
typed on standard input) receives the portability archive. Assertions are on what a user
meets: exit codes, the French text printed, and the files as independent tools see them
(`pdfsig`, `pdftotext`, `sha256sum -c`, the patients found in the receiving vault).
"""

import contextlib
import os
import re
import subprocess
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cabinet.bootstrap import AppContext, build_context
from cabinet.domain.audit import AccessMode
from cabinet.domain.clock import SystemClock
from cabinet.domain.record import EntryKind
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.vault.session import Credential, unlock
from helpers import pdf_checks

PATIENTS = 300
PHYSICIAN = "Dr Hélène Garnier"
RPPS = "10001234565"  # 11 digits, Luhn check key


@contextlib.contextmanager
def opened(folder: Path, credential: Credential) -> Iterator[AppContext]:
    """The test's own look into a vault, between two commands (never while one runs)."""
    ctx = build_context(unlock(folder, credential, SystemClock(), "poste-recette"))
    try:
        yield ctx
    finally:
        ctx.lock()


def demo_credential() -> Credential:
    return Credential(AccessMode.DEMO, DEMO_PASSWORD)


@dataclass(frozen=True)
class Practice:
    """The demo practice and what the commands are run on."""

    folder: Path
    patient: int
    prescription: int
    names: tuple[str, ...]  # full names and NIRs of the first patients


@pytest.fixture(scope="module")
def practice(installed, tmp_path_factory) -> Practice:
    folder = tmp_path_factory.mktemp("cabinet") / "coffre"
    result = installed.run("demo", "--no-gui", "--patients", PATIENTS, "--vault", folder)
    assert result.returncode == 0, result.stderr
    assert f"Patients : {PATIENTS}" in result.stdout
    assert "Journal intègre" in result.stdout
    with opened(folder, demo_credential()) as ctx:
        store = ctx.vault.store
        patient, prescription = next(
            (patient, entry.lineage) for patient in range(1, PATIENTS + 1)
            for entry in store.current_entries(patient)
            if entry.kind == EntryKind.PRESCRIPTION.value)
        identities = [store.identity_versions(n)[-1].payload for n in range(1, 21)]
        names = tuple(value for identity in identities for value in (
            f"{identity['birth_name']} {identity['first_names']}", identity["nir"]) if value)
    return Practice(folder, patient, prescription, names)


@dataclass(frozen=True)
class PracticeVault:
    """A real (not demo) vault, empty, and the recovery key printed at its creation."""

    folder: Path
    recovery_key: str


@pytest.fixture(scope="module")
def successor(installed, tmp_path_factory) -> PracticeVault:
    base = tmp_path_factory.mktemp("successeur")
    sheet = base / "feuille-de-secours.pdf"
    result = installed.run("vault", "create", "--vault", base / "coffre", "--sheet", sheet,
                           stdin=f"{PHYSICIAN}\n{RPPS}\n")
    assert result.returncode == 0, result.stderr
    assert "Coffre créé" in result.stdout
    key = re.search(r"^\s+((?:[A-Z0-9]{4}-){9}[A-Z0-9]{4})$", result.stdout, re.M)
    assert key is not None, result.stdout
    printed = pdf_checks.pdf_text(sheet).split()
    assert all(group in printed for group in key.group(1).split("-"))
    return PracticeVault(base / "coffre", key.group(1))


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "sortie"
    folder.mkdir()
    return folder


def written(result: subprocess.CompletedProcess[str]) -> Path:
    assert result.returncode == 0, result.stderr
    found = re.search(r"Écrit : (.*)", result.stdout)
    assert found is not None, result.stdout
    return Path(found.group(1))


def assert_signed(installed, pdf: Path) -> None:
    """Poppler and `cabinet verify` both find the whole document signed and intact."""
    assert pdf_checks.pdfsig_valid(pdf), pdf_checks.pdfsig_output(pdf)
    verified = installed.run("verify", pdf)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Document intact, signé par" in verified.stdout


def test_the_demo_vault_opens_without_a_prompt_and_checks_whole(installed, practice):
    checked = installed.run("vault", "check", "--vault", practice.folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Coffre de DÉMONSTRATION" in checked.stderr
    assert "Intégrité des pages chiffrées : correcte" in checked.stdout
    assert "Ancre du journal : aucune alerte en attente" in checked.stdout
    audit = installed.run("audit", "verify", "--vault", practice.folder)
    assert audit.returncode == 0, audit.stderr
    assert re.search(r"Journal intègre : \d+ évènement\(s\) vérifié\(s\)", audit.stdout)


def test_a_practice_vault_opens_with_the_recovery_key_typed_and_refuses_another(
        installed, successor):
    checked = installed.run("vault", "check", "--vault", successor.folder,
                            stdin=f"{successor.recovery_key}\n")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Clé de secours" in checked.stderr  # the prompt, on the terminal
    assert "Intégrité des pages chiffrées : correcte" in checked.stdout
    wrong = successor.recovery_key[:-1] + ("A" if successor.recovery_key[-1] != "A" else "B")
    refused = installed.run("vault", "check", "--vault", successor.folder, stdin=f"{wrong}\n")
    assert refused.returncode == 2
    assert "Accès refusé" in refused.stderr and "Traceback" not in refused.stderr
    assert successor.recovery_key not in refused.stdout + refused.stderr


def test_a_signed_prescription_is_intact_and_a_changed_byte_is_refused(installed, practice,
                                                                       out):
    pdf = written(installed.run("sign", "prescription", "--vault", practice.folder,
                                "--entry", practice.prescription, "--to", out))
    assert_signed(installed, pdf)
    with opened(practice.folder, demo_credential()) as ctx:
        drugs = [line["drug"] for line in
                 ctx.vault.store.entry_versions(practice.prescription)[-1].payload["lines"]]
    text = " ".join(pdf_checks.pdf_text(pdf).split())
    assert all(" ".join(drug.split()) in text for drug in drugs)
    assert re.search(r"RPPS \d{11}\b", text), text  # the prescriber is named
    changed = installed.run("verify", pdf_checks.tamper_inside_signed_range(pdf))
    assert changed.returncode == 1
    assert "Document modifié après signature" in changed.stdout


def certificate(installed, practice: Practice, out: Path, statement: str, answer: str):
    return installed.run("sign", "certificate", "--vault", practice.folder, "--patient",
                         practice.patient, "--to", out, stdin=f"{statement}\n\n{answer}\n")


def test_a_certificate_typed_at_the_prompt_is_shown_then_signed(installed, practice, out):
    statement = "Apte à la pratique de la course à pied en compétition."
    result = certificate(installed, practice, out, statement, "OUI")
    pdf = written(result)
    shown = " ".join(result.stderr.split())
    assert statement in shown[:shown.index("Tapez OUI")]  # read before it was confirmed
    assert_signed(installed, pdf)
    assert statement in " ".join(pdf_checks.pdf_text(pdf).split())
    assert statement not in pdf.name


def test_a_certificate_not_confirmed_is_not_signed(installed, practice, out):
    result = certificate(installed, practice, out, "Certificat à ne pas signer.", "non")
    assert result.returncode != 0
    assert "rien n'a été signé" in result.stdout + result.stderr
    assert list(out.iterdir()) == []


def test_a_copy_request_is_registered_listed_then_delivered_signed(installed, practice, out):
    registered = installed.run("copy", "request", "--vault", practice.folder, "--patient",
                               practice.patient, "--requester", "patient", "--check",
                               "id_presented", "--received", "2026-10-20",
                               stdin="Émilie Lefèvre\n")
    assert registered.returncode == 0, registered.stderr
    assert "au plus tard le 28/10/2026" in registered.stdout
    number = re.search(r"Demande n° (\d+) enregistrée", registered.stdout).group(1)
    listed = installed.run("copy", "list", "--vault", practice.folder)
    assert listed.returncode == 0, listed.stderr
    assert re.search(rf"n° {number}  patient {practice.patient}  reçue le 20/10/2026",
                     listed.stdout)
    delivered = installed.run("copy", "deliver", "--vault", practice.folder, "--request",
                              number, "--to", out)
    pdfs = list(written(delivered).glob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        assert_signed(installed, pdf)
    still_pending = installed.run("copy", "list", "--vault", practice.folder)
    assert f"n° {number} " not in still_pending.stdout
    register = installed.run("copy", "list", "--vault", practice.folder, "--patient",
                             practice.patient)
    assert re.search(rf"n° {number} .* remise le ", register.stdout)


def colleague_certificate(folder: Path) -> tuple[Path, Path]:
    """The receiving colleague's certificate (DER) and private key (PEM), as files."""
    from cryptography.hazmat.primitives import serialization

    from helpers.certificates import card_certificate

    key, certificate = card_certificate("Dr Paul Roux", "10003456786")
    (folder / "confrere.der").write_bytes(certificate)
    (folder / "confrere.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return folder / "confrere.der", folder / "confrere.pem"


@pytest.mark.parametrize("encrypted", [False, True], ids=["en-clair", "chiffre-cms"])
def test_a_transmission_is_an_xdm_zip_of_signed_parts(installed, practice, out, tmp_path,
                                                      encrypted):
    certificate, key = colleague_certificate(tmp_path)
    package = written(installed.run(
        "transmit", "--vault", practice.folder, "--patient", practice.patient, "--parts",
        "encounter,allergy,prescription", "--to", out,
        *(["--recipient-certificate", certificate] if encrypted else []),
        stdin="Dr Paul Roux, cardiologue\nDemande orale du patient le 02/03/2026\n"))
    if encrypted:  # what the colleague's own tools do with it
        assert not zipfile.is_zipfile(package)
        opened_cms = subprocess.run(
            ["openssl", "cms", "-decrypt", "-binary", "-inform", "DER", "-in", package,
             "-inkey", key, "-out", tmp_path / "recu.zip"],
            capture_output=True, text=True, timeout=60, check=False)
        assert opened_cms.returncode == 0, opened_cms.stderr
        package = tmp_path / "recu.zip"
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        assert any(name.endswith("METADATA.XML") for name in names), names
        pdfs = [name for name in names if name.lower().endswith(".pdf")]
        assert pdfs, names
        archive.extractall(tmp_path / "recu")
    for name in pdfs:
        assert_signed(installed, tmp_path / "recu" / name)


def test_a_seizure_writes_an_inventory_that_sha256sum_checks(installed, practice, out):
    answers = ["Mme Claire Bernard, juge d'instruction", "Ordonnance n° 2026/117",
               "Dr Marc Petit, conseil départemental", "Aucune", "Cabinet médical", "OUI"]
    result = installed.run("seizure", "--vault", practice.folder, "--patient",
                           practice.patient, "--to", out, stdin="\n".join(answers) + "\n")
    folder = written(result)
    assert "Saisie judiciaire du dossier médical" in result.stderr
    inventory = next(folder.rglob("INVENTAIRE.txt"))
    checked = subprocess.run(["sha256sum", "-c", inventory.name], cwd=inventory.parent,
                             capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    files = [line for line in checked.stdout.splitlines() if line.strip()]
    assert files and all(line.endswith(": OK") for line in files), checked.stdout
    for pdf in folder.glob("*.pdf"):
        assert_signed(installed, pdf)


def worker_children(process: subprocess.Popen[str]) -> Iterator[bytes]:
    """The command lines of the process's children, read from /proc while it runs."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    with contextlib.suppress(OSError):
        for pid in children.read_text().split():
            with contextlib.suppress(OSError):
                yield Path(f"/proc/{pid}/cmdline").read_bytes()


@dataclass(frozen=True)
class Exported:
    path: Path
    passphrase: str
    seconds: float
    workers_seen: int


@pytest.fixture(scope="module")
def exported(installed, practice, tmp_path_factory) -> Exported:
    """The whole practice exported (MASSIF), its workers counted as they run."""
    media = tmp_path_factory.mktemp("support-amovible")
    logs = tmp_path_factory.mktemp("export-sorties")
    started = time.monotonic()
    workers: set[bytes] = set()
    with (logs / "stdout").open("w+", encoding="utf-8") as stdout, \
            (logs / "stderr").open("w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            installed.command("archive", "export", "--vault", practice.folder, "--to", media),
            stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, text=True,
            env=installed.environment)
        while process.poll() is None:
            workers.update(c for c in worker_children(process) if b"multiprocessing" in c)
            time.sleep(0.05)
        seconds = time.monotonic() - started
        printed, errors = (logs / "stdout").read_text(), (logs / "stderr").read_text()
    assert process.returncode == 0, errors
    assert "BrokenProcessPool" not in errors
    assert f"{PATIENTS} patient(s)" in printed
    path = Path(re.search(r"Archive écrite : (.*)", printed).group(1))
    lines = printed.splitlines()
    announced = next(n for n, line in enumerate(lines) if "Phrase secrète" in line)
    return Exported(path, lines[announced + 1].strip(), seconds, len(workers))


def test_the_whole_practice_is_exported_by_the_worker_pool(exported):
    assert (os.cpu_count() or 1) >= 2, "the export's worker pool needs at least two cores"
    assert exported.workers_seen >= 2
    assert exported.path.suffix == ".cabarch" and exported.path.stat().st_size > 0
    assert not [p for p in exported.path.parent.iterdir() if p.name.startswith(".")]


def test_the_archive_verifies_whole(installed, exported):
    result = installed.run("archive", "verify", exported.path, stdin=f"{exported.passphrase}\n")
    assert result.returncode == 0, result.stderr
    assert "Archive intègre, signée par" in result.stdout
    assert f"{PATIENTS} patient(s)" in result.stdout
    assert "Journal du prédécesseur : Journal intègre" in result.stdout


def test_the_demo_archive_never_enters_a_real_vault(installed, exported, successor):
    """The demo practice's archive is signed by the demo certificate (no value): a real
    successor's vault refuses it, in French, and holds nothing of it."""
    typed = f"{successor.recovery_key}\n{exported.passphrase}\nOUI\n"
    result = installed.run("archive", "import", exported.path, "--vault", successor.folder,
                           stdin=typed)
    assert result.returncode != 0
    assert "signée par le certificat de démonstration" in result.stdout + result.stderr
    with opened(successor.folder, Credential(AccessMode.RECOVERY,
                                             successor.recovery_key)) as ctx:
        assert ctx.vault.store.counts()["patients"] == 0


def test_the_archive_imports_into_a_demo_successors_vault(installed, exported,
                                                           tmp_path_factory):
    folder = tmp_path_factory.mktemp("successeur-demo") / "coffre"
    made = installed.run("demo", "--no-gui", "--patients", 0, "--vault", folder)
    assert made.returncode == 0, made.stderr
    result = installed.run("archive", "import", exported.path, "--vault", folder,
                           stdin=f"{exported.passphrase}\nOUI\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Importé : {PATIENTS} patient(s)" in result.stdout
    with opened(folder, demo_credential()) as ctx:
        assert ctx.vault.store.counts()["patients"] == PATIENTS
    audit = installed.run("audit", "verify", "--vault", folder)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert re.search(r"Journal de .* \(archive importée le .*\) : Journal intègre",
                     audit.stdout)


def test_the_support_bundle_holds_no_patient_name(installed, practice, out):
    result = installed.run("support-bundle", "--to", out, "--vault", practice.folder)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out / "cabinet-diagnostic.zip") as bundle:
        names = bundle.namelist()
        text = "\n".join(bundle.read(name).decode("utf-8", "replace") for name in names)
    assert {"versions.txt", "garde-integrite.txt", "coffre.json"} <= set(names)
    assert not [name for name in practice.names if name in text]
