"""No signed document without its prescriber; a certificate or a letter signs only what was shown.

Real vaults, the demo certificate, the text read back with poppler's pdftotext.
"""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from cabinet.archive.container import Recipient
from cabinet.documents.demo_certificate import demo_signer
from cabinet.domain.identity import Sex
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.services.portability.export import Selection
from helpers import pdf_checks
from helpers.records import marked_practice
from helpers.vaults import identity

MISSING = "Aucun document ne peut être signé sans l'identité du prescripteur"


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "support"
    folder.mkdir()
    return Output(demo_signer(), folder, CancelToken())


def flat(path: Path) -> str:
    return " ".join(pdf_checks.pdf_text(path).split())


def exports_journaled(ctx):
    return [e for e in ctx.vault.store.audit_rows(None, 500) if e["action"] == "export"]


@pytest.mark.parametrize("unset", [{"physician_name": ""}, {"rpps": ""}])
def test_without_the_prescriber_nothing_is_signed(ctx, out, unset):
    practice = marked_practice(ctx)
    ctx.settings.change(unset)
    attempts = [
        lambda: ctx.exports.prescription(practice.prescription, out),
        lambda: ctx.exports.certificate(practice.patient, "Apte au sport.", out),
        lambda: ctx.exports.prepare_certificate(practice.patient, "Apte au sport."),
        lambda: ctx.archive_exporter.export(Selection("MASSIF"),
                                            Recipient(passphrase="x" * 24), out),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidInput, match=MISSING) as refused:
            attempt()
        assert "Paramètres du cabinet" in refused.value.message
    assert list(out.destination.iterdir()) == []
    assert exports_journaled(ctx) == []


def test_a_stored_rpps_without_its_key_refuses_signing(ctx, out):
    practice = marked_practice(ctx)
    ctx.vault.store.put_setting("rpps", "10101010101", "test", ctx.trail.now())  # older rule
    with pytest.raises(InvalidInput, match="numéro RPPS valide"):
        ctx.exports.prescription(practice.prescription, out)


def test_the_signed_ordonnance_names_its_prescriber(ctx, out):
    practice = marked_practice(ctx)
    text = flat(Path(ctx.exports.prescription(practice.prescription, out).path))
    assert "Dr Jeanne Martin" in text and "RPPS 10101010105" in text


@pytest.mark.parametrize(("patient_sex", "physician_sex", "opening", "closing"), [
    (Sex.FEMALE, "F", "Je soussignée, Dr Jeanne Martin, certifie avoir examiné ce jour "
     "LEFÈVRE Émilie, née le 12/03/1961.", "à la demande de l'intéressée et"),
    (Sex.MALE, "M", "Je soussigné, Dr Jeanne Martin, certifie avoir examiné ce jour "
     "LEFÈVRE Émile, né le 12/03/1961.", "à la demande de l'intéressé et"),
    (Sex.UNKNOWN, "", "Dr Jeanne Martin certifie avoir examiné ce jour LEFÈVRE Camille, "
     "date de naissance : 12/03/1961.", "à la demande de la personne intéressée et"),
])
def test_the_certificate_formula_agrees_and_is_signed_once(ctx, out, patient_sex,
                                                            physician_sex, opening, closing):
    marked_practice(ctx)
    ctx.settings.change({"physician_sex": physician_sex})
    first = {Sex.FEMALE: "Émilie", Sex.MALE: "Émile", Sex.UNKNOWN: "Camille"}[patient_sex]
    patient = ctx.patients.create(dataclasses.replace(identity("Lefèvre", first),
                                                      sex=patient_sex))
    formula = ctx.exports.certificate_formula(patient)
    assert formula.opening == opening and closing in formula.closing
    typed = formula.text().replace("\n\n\n\n", "\n\nApte à la pratique du tennis.\n\n")
    text = flat(Path(ctx.exports.certificate(patient, typed, out).path))
    assert text.count("certifie avoir examiné") == 1
    assert text.count("Certificat établi à la demande") == 1
    assert opening in text and "Apte à la pratique du tennis." in text
    assert "(e)" not in text


def test_a_certificate_adds_nothing_to_what_was_typed(ctx, out):
    practice = marked_practice(ctx)
    text = flat(Path(ctx.exports.certificate(practice.patient, "Apte au tennis.", out).path))
    assert "soussign" not in text and "Certificat établi" not in text
    assert "Apte au tennis." in text


def test_a_letter_adds_no_greeting_and_its_subject_agrees(ctx, out):
    practice = marked_practice(ctx)
    formula = ctx.exports.letter_formula()
    typed = formula.text().replace("\n\n\n\n", "\n\nJe vous adresse Mme Lefèvre.\n\n")
    text = flat(Path(ctx.exports.letter(practice.patient, "Dr Paul Durand", typed, out).path))
    assert text.count("Cher confrère, chère consœur,") == 1
    assert text.count("sentiments confraternels") == 1
    assert "Objet : LEFÈVRE Émilie, née le 12/03/1961" in text
    assert "(e)" not in text


def test_the_preview_shows_what_is_then_signed(ctx, out, tmp_path):
    practice = marked_practice(ctx)
    prepared = ctx.exports.prepare_certificate(practice.patient, "Apte au tennis.")
    assert list(out.destination.iterdir()) == []  # a preview writes nothing
    assert "Aperçu — non signé" in prepared.text and "Apte au tennis." in prepared.text
    shown = tmp_path / "apercu.pdf"
    shown.write_bytes(prepared.preview)
    signed = Path(ctx.exports.sign_prepared(prepared, out).path)
    before_block = flat(shown).split("Aperçu — non signé")[0]
    assert "Apte au tennis." in before_block
    assert flat(signed).split("Signé électroniquement")[0] == before_block
    record = ctx.records.open_record(practice.patient)
    assert len(record.of_kind(EntryKind.DOCUMENT)) == 2  # the bilan, and this certificate


def test_the_civility_agrees_the_councils_declaration(ctx, out):
    from cabinet.services.portability.cessation import Closure

    marked_practice(ctx)
    ctx.settings.change({"physician_sex": "F"})
    written = ctx.cessation.declaration(Closure(
        closing_on=dt.date(2027, 3, 31), successor="", council="Paris",
        kept_at="Hébergeur agréé"), out)
    text = flat(out.destination / written.name)
    assert "Je soussignée, Dr Jeanne Martin, RPPS 10101010105, déclare cesser" in text


def test_a_generated_demo_practice_signs_as_its_marked_physician(tmp_path, clock, out):
    from cabinet.bootstrap import build_context
    from cabinet.demo.generator import DemoSize, generate
    from cabinet.vault.session import create_vault
    from helpers.vaults import OWNER

    opened, _ = create_vault(tmp_path / "demo", OWNER, clock, "poste", demo_vault=True)
    ctx = build_context(opened, clock)
    [patient] = generate(ctx, DemoSize(1, documents_per_patient=0), 5)
    prescription = ctx.records.open_record(patient).of_kind(EntryKind.PRESCRIPTION)[0]
    text = flat(Path(ctx.exports.prescription(prescription.lineage, out).path))
    assert "Dr Claire Martin (démonstration)" in text and "RPPS 99999999990" in text
    ctx.lock()
