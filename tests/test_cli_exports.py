"""Signed documents and exports from the command line, on a real demo vault, as real processes."""

import re
from pathlib import Path

import pytest

from cabinet.bootstrap import build_context
from cabinet.vault.session import create_vault
from helpers import pdf_attacks, pdf_checks
from helpers.records import OTHER_PATIENT_MARKER, marked_practice
from helpers.vaults import OWNER
from test_cli import cabinet


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo vault (signed with the demo certificate, no card) holding the marked practice."""
    from helpers.clock import SteppingClock

    folder = tmp_path_factory.mktemp("cli") / "coffre"
    opened, _ = create_vault(folder, OWNER, SteppingClock(), "poste", demo_vault=True)
    ctx = build_context(opened)
    practice = marked_practice(ctx)
    ctx.lock()
    return folder, practice


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "sortie"
    folder.mkdir()
    return folder


def written(result) -> Path:
    return Path(re.search(r"Écrit : (.*)", result.stdout).group(1))


def test_sign_a_prescription_then_verify_it(demo, out):
    folder, practice = demo
    result = cabinet("sign", "prescription", "--vault", folder, "--entry",
                     practice.prescription, "--to", out)
    assert result.returncode == 0, result.stderr
    pdf = written(result)
    verified = cabinet("verify", pdf)
    assert verified.returncode == 0
    assert "Document intact, signé par DEMO — sans valeur" in verified.stdout
    changed = pdf_checks.tamper_inside_signed_range(pdf)
    refused = cabinet("verify", changed)
    assert refused.returncode == 1
    assert "Document modifié après signature" in refused.stdout


AMENDMENTS = ((pdf_attacks.white_box_annotation, "une annotation (rectangle) ajoutée à la page 1"),
              (pdf_attacks.rewritten_page_content, "le contenu de la page 1 modifié"))


@pytest.mark.parametrize(("amend", "named"), AMENDMENTS, ids=["annotation", "contenu"])
def test_an_ordonnance_amended_after_signing_is_refused_and_the_change_named(demo, out, amend,
                                                                           named):
    folder, practice = demo
    pdf = written(cabinet("sign", "prescription", "--vault", folder, "--entry",
                          practice.prescription, "--to", out))
    assert pdf_checks.certified_without_changes(pdf)
    assert "Certification : aucune modification permise après la signature." in cabinet(
        "verify", pdf).stdout
    amended = amend(pdf)
    refused = cabinet("verify", amended)
    assert refused.returncode == 1
    assert "Document modifié après signature : il ne doit pas être utilisé." in refused.stdout
    assert f"Le document a été modifié après sa signature : {named}." in refused.stdout
    assert "Traceback" not in refused.stderr
    # poppler still finds the signed revision's bytes valid; only the coverage line betrays it
    seen = pdf_checks.pdfsig_output(amended)
    assert "Signature is Valid." in seen and "Not total document signed" in seen
    assert not pdf_checks.pdfsig_valid(amended)


def test_verify_with_the_signers_certificate_as_trust_anchor(demo, out, tmp_path):
    folder, practice = demo
    pdf = written(cabinet("sign", "certificate", "--vault", folder, "--patient",
                          practice.patient, "--to", out, stdin="Apte au sport.\n\nOUI\n"))
    from pyhanko.pdf_utils.reader import PdfFileReader

    with pdf.open("rb") as handle:
        signer_certificate = PdfFileReader(handle).embedded_signatures[0].signer_cert.dump()
    anchor = tmp_path / "racine.der"
    anchor.write_bytes(signer_certificate)
    result = cabinet("verify", pdf, "--trust", anchor)
    assert result.returncode == 0
    assert "certificat reconnu" in result.stdout


def test_answer_a_patients_request_from_the_command_line(demo, out):
    folder, practice = demo
    registered = cabinet("copy", "request", "--vault", folder, "--patient", practice.patient,
                         "--requester", "patient", "--check", "id_presented",
                         "--received", "2026-10-20", stdin="Émilie Lefèvre\n")
    assert registered.returncode == 0, registered.stderr
    number = re.search(r"Demande n° (\d+)", registered.stdout).group(1)
    assert "au plus tard le 28/10/2026" in registered.stdout
    pending = cabinet("copy", "list", "--vault", folder)
    assert f"n° {number}" in pending.stdout
    delivered = cabinet("copy", "deliver", "--vault", folder, "--request", number, "--to", out,
                        "--history")
    assert delivered.returncode == 0, delivered.stderr
    assert "dossier-medical.pdf" in delivered.stdout
    assert pdf_checks.pdfsig_valid(written(delivered) / "dossier-medical.pdf")


def test_send_to_a_colleague_from_the_command_line(demo, out):
    folder, practice = demo
    result = cabinet("transmit", "--vault", folder, "--patient", practice.patient,
                     "--parts", "encounter,allergy", "--to", out,
                     stdin="Dr Paul Durand, cardiologue\nDemande orale du 22/11/2026\n")
    assert result.returncode == 0, result.stderr
    assert written(result).suffix == ".zip"


def test_unknown_part_is_refused(demo, out):
    folder, practice = demo
    result = cabinet("transmit", "--vault", folder, "--patient", practice.patient,
                     "--parts", "encounter,private_note", "--to", out, stdin="Dr X\nOral\n")
    assert result.returncode == 2
    assert "Partie inconnue : private_note" in result.stderr
    assert list(out.iterdir()) == []


def test_seizure_from_the_command_line_needs_confirmation(demo, out):
    folder, practice = demo
    answers = "Mme Juge\nOrdonnance 2026/9\nDr Ordre\n\nTribunal de Paris\n"
    abandoned = cabinet("seizure", "--vault", folder, "--patient", practice.patient,
                        "--to", out, stdin=answers + "non\n")
    assert abandoned.returncode == 1
    assert list(out.iterdir()) == []
    done = cabinet("seizure", "--vault", folder, "--patient", practice.patient, "--to", out,
                   stdin=answers + "OUI\n")
    assert done.returncode == 0, done.stderr
    assert "réquisition" in done.stderr  # the rule is recalled first
    seized = written(done)
    assert OTHER_PATIENT_MARKER not in pdf_checks.pdf_text(seized / "01-synthese.pdf")
    assert (seized / "INVENTAIRE.txt").exists()


def test_a_certificate_shows_its_whole_text_and_is_signed_only_after_oui(demo, out):
    folder, practice = demo
    command = ("sign", "certificate", "--vault", folder, "--patient", practice.patient, "--to",
               out)
    abandoned = cabinet(*command, stdin="Apte au sport.\n\nnon\n")
    assert abandoned.returncode == 1
    assert "Certificat abandonné : rien n'a été signé." in abandoned.stderr
    assert list(out.iterdir()) == []
    shown = abandoned.stderr.split("Le document qui sera signé dit exactement :")[1]
    for words in ("Dr Jeanne Martin", "RPPS 10101010105", "Certificat médical",
                  "Apte au sport.", "Patient : LEFÈVRE Émilie, née le 12/03/1961"):
        assert words in shown
    assert "Je soussignée" not in shown  # offered above the prompt, never added
    signed = cabinet(*command, stdin="Apte au sport.\n\nOUI\n")
    assert signed.returncode == 0, signed.stderr
    text = " ".join(pdf_checks.pdf_text(written(signed)).split())
    assert text.count("Apte au sport.") == 1 and "soussign" not in text


def test_without_the_prescriber_the_command_line_signs_nothing(tmp_path, out):
    from helpers.clock import SteppingClock

    folder = tmp_path / "coffre"
    opened, _ = create_vault(folder, OWNER, SteppingClock(), "poste", demo_vault=True)
    ctx = build_context(opened)
    practice = marked_practice(ctx)
    ctx.settings.change({"rpps": ""})
    ctx.lock()
    for command in (("sign", "prescription", "--entry", practice.prescription),
                    ("sign", "certificate", "--patient", practice.patient)):
        result = cabinet(*command, "--vault", folder, "--to", out, stdin="Apte.\n\nOUI\n")
        assert result.returncode == 2
        assert "indiquez votre numéro RPPS dans Fichier › Paramètres du cabinet" in result.stderr
    assert list(out.iterdir()) == []


def test_the_demo_signs_as_its_fictitious_physician(tmp_path, out):
    folder = tmp_path / "demo"
    assert cabinet("demo", "--vault", folder, "--patients", 2, "--seed", 3,
                   "--no-gui").returncode == 0
    result = cabinet("sign", "certificate", "--vault", folder, "--patient", 1, "--to", out,
                     stdin="Apte.\n\nOUI\n")
    assert result.returncode == 0, result.stderr
    text = " ".join(pdf_checks.pdf_text(written(result)).split())
    assert "Dr Claire Martin (démonstration)" in text and "RPPS 99999999990" in text
