"""Closing the practice (CONT-2): choices, destinations, letters, declaration."""

import datetime as dt

import pytest

from cabinet.documents.demo_certificate import demo_signer
from cabinet.errors import InvalidInput
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.services.portability.cessation import Closure
from helpers import archives, pdf_checks
from helpers.vaults import identity

CLOSURE = Closure(dt.date(2027, 3, 31), "Dr Paul Successeur", council="Conseil de Paris",
                  kept_at="Hébergeur agréé HDS, contrat n° 42")


@pytest.fixture
def practice(ctx):
    ctx.settings.change({"physician_name": "Dr Jeanne Martin", "rpps": "10101010105",
                         "address": "3 rue des Lilas\n75011 Paris"})
    return [ctx.patients.create(identity(name, "Alex")) for name in
            ("Suivant", "Ailleurs", "Silencieux", "Hésitant")]


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "sortie"
    folder.mkdir()
    return Output(demo_signer(), folder, CancelToken())


def test_choices_make_one_export_per_destination_and_a_remainder(ctx, practice):
    follows, elsewhere, silent, hesitant = practice
    ctx.cessation.record_choice(follows, "successor")
    ctx.cessation.record_choice(elsewhere, "other", "Dr Anne Autre")
    ctx.cessation.record_choice(hesitant, "successor")
    ctx.cessation.record_choice(hesitant, "pending")  # changed their mind: the latest counts
    destinations = ctx.cessation.destinations()
    assert destinations[""].patient_ids == (follows,)
    assert destinations["Dr Anne Autre"].patient_ids == (elsewhere,)
    assert set(ctx.cessation.remainder_selection().patient_ids) == {silent, hesitant}
    assert {r["target"] for r in ctx.vault.store.audit_rows(hesitant, 10)} >= {
        "successor choice"}


def test_another_physician_must_be_named(ctx, practice):
    with pytest.raises(InvalidInput, match="médecin choisi"):
        ctx.cessation.record_choice(practice[1], "other", "  ")
    with pytest.raises(InvalidInput, match="Choix inconnu"):
        ctx.cessation.record_choice(practice[1], "anyone")


def test_a_choice_is_never_changed_in_place(ctx, practice):
    ctx.cessation.record_choice(practice[0], "successor")
    with pytest.raises(Exception, match="never changed"):
        ctx.vault.conn.execute("UPDATE successor_choice SET choice = 'pending'")


def test_letters_go_to_patients_without_an_answer(ctx, practice, out):
    ctx.cessation.record_choice(practice[0], "successor")
    letters = ctx.cessation.letters(CLOSURE, out.destination, CancelToken())
    assert len(letters) == 3
    folder = next(out.destination.iterdir())
    text = pdf_checks.pdf_text(folder / letters[0].name)
    assert "31 mars 2027" in text
    assert "Dr Paul Successeur" in text


def test_the_declaration_is_signed_and_says_where_records_are_kept(ctx, practice, out):
    ctx.cessation.record_choice(practice[0], "successor")
    ctx.cessation.record_choice(practice[1], "other", "Dr Anne Autre")
    written = ctx.cessation.declaration(CLOSURE, out)
    path = out.destination / written.name
    assert pdf_checks.pdfsig_valid(path)
    text = " ".join(pdf_checks.pdf_text(path).split())
    assert "Hébergeur agréé HDS" in text
    assert "Suit le successeur : 1" in text
    assert "Pas encore de réponse : 2" in text


def test_the_successor_export_holds_only_the_patients_who_chose_them(ctx, practice, tmp_path):
    ctx.cessation.record_choice(practice[0], "successor")
    path = archives.export(ctx, tmp_path / "media",
                           selection=ctx.cessation.destinations()[""])
    files = archives.members(path)
    assert [n for n in files if n.startswith("PAT")] == ["PAT00001.ZIP"]
    assert b"Suivant" in files["INDEX.HTM"]
    assert b"Silencieux" not in files["INDEX.HTM"]
