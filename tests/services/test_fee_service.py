"""Fees and the livre-journal des recettes: priced acts, payments, corrections, exports."""

import datetime as dt

import pytest

from cabinet.documents.demo_certificate import demo_signer
from cabinet.domain.fees import FeeInput
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.services.ports import JournalFilter
from cabinet.vault.database import IntegrityError
from helpers import pdf_checks
from helpers.vaults import identity

MEDICAL = "Pneumopathie-franche-lobaire-droite"
TODAY = "2026-11-02"  # the test clock's day


@pytest.fixture
def encounter(ctx):
    patient = ctx.patients.create(identity())
    lineage = ctx.records.add_entry(patient, EntryKind.ENCOUNTER, {
        "date": "2026-11-02", "reason": f"Toux {MEDICAL}", "conclusion": MEDICAL})
    return patient, lineage


def events(ctx, target):
    return ctx.vault.store.audit_rows(None, 1000, JournalFilter(target=target))


def test_a_paid_encounter_writes_its_line_in_the_ledger(ctx, encounter):
    patient, lineage = encounter
    fee = ctx.fees.record(lineage, FeeInput((("G", 1), ("MEG", 1)), paid_cents=3500,
                                            method="cheque", cheque_number="1234567"))
    [line] = ctx.fees.ledger(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (line.day, line.cents, line.method, line.cheque_number, line.payer) == (
        TODAY, 3500, "cheque", "1234567", "LEFÈVRE Émilie")
    [row] = ctx.fees.encounter_fees(lineage)
    assert (row.fee_id, row.total_cents, row.patient_paid_cents) == (fee, 3500, 3500)
    [created] = events(ctx, f"fee:{fee}")
    assert (created["action"], created["patient_id"]) == ("create", patient)
    assert MEDICAL not in created["detail"]
    assert events(ctx, "ledger") and events(ctx, f"fees:entry:{lineage}")


def test_unpaid_then_paid_and_the_tiers_payant_expected_until_it_arrives(ctx, encounter):
    _, lineage = encounter
    fee = ctx.fees.record(lineage, FeeInput((("G", 1),), third_party_cents=2100))
    assert ctx.fees.ledger(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == []
    with pytest.raises(InvalidInput, match="ne doit plus que 9,00 €"):
        ctx.fees.pay(fee, 1000, "cash")
    ctx.fees.pay(fee, 900, "cash")
    assert [f.fee_id for f in ctx.fees.insurer_expected()] == [fee]
    ctx.fees.insurer_paid(fee, 2100, dt.date(2026, 11, 2))
    assert ctx.fees.insurer_expected() == []
    totals = ctx.fees.totals(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert totals[TODAY]["cash"] == 900 and totals[TODAY]["transfer"] == 2100
    month = ctx.fees.totals(dt.date(2026, 1, 1), dt.date(2026, 12, 31), "month")
    assert sum(month["2026-11"].values()) == 3000


def test_a_cancelled_fee_keeps_its_line_and_gets_the_opposite_one(ctx, encounter, clock):
    _, lineage = encounter
    fee = ctx.fees.record(lineage, FeeInput((("G", 1),), paid_cents=3000, method="cheque",
                                            cheque_number="42"))
    clock.advance(dt.timedelta(days=1))
    with pytest.raises(InvalidInput, match="motif"):
        ctx.fees.cancel(fee, " ")
    ctx.fees.cancel(fee, "chèque en double")
    original, cancelling = ctx.fees.ledger(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (cancelling.cents, cancelling.cancels, cancelling.day) == (
        -3000, original.receipt_id, "2026-11-03")
    assert ctx.fees.totals(dt.date(2026, 11, 2), dt.date(2026, 11, 2))[TODAY]["cheque"] == 3000
    assert ctx.fees.deposit_slip(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []
    with pytest.raises(InvalidInput, match="annulés"):
        ctx.fees.pay(fee, 100, "cash")
    assert events(ctx, f"fee:{fee}")[0]["action"] == "correct"


@pytest.mark.parametrize("statement", [
    "UPDATE receipt SET cents = 1", "DELETE FROM receipt", "UPDATE fee SET total_cents = 0",
    "DELETE FROM fee_cancellation", "UPDATE act_rate SET cents = 0", "DELETE FROM act_rate",
])
def test_the_ledger_cannot_be_rewritten_even_with_the_key(ctx, encounter, statement):
    _, lineage = encounter
    fee = ctx.fees.record(lineage, FeeInput((("G", 1),), paid_cents=3000, method="cash"))
    ctx.fees.cancel(fee, "erreur de saisie")
    ctx.fees.add_rate("G", "", 3200, dt.date(2027, 1, 1))
    with pytest.raises(IntegrityError):
        ctx.vault.conn.execute(statement)
    [first, second] = ctx.fees.ledger(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert (first.cents, second.cents) == (3000, -3000)


def test_a_cancelling_line_must_cancel_a_whole_line(ctx, encounter):
    _, lineage = encounter
    fee = ctx.fees.record(lineage, FeeInput((("G", 1),), paid_cents=3000, method="cash"))
    [line] = ctx.fees.ledger(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with pytest.raises(IntegrityError):
        ctx.vault.conn.execute(
            "INSERT INTO receipt (day, fee_id, payer_kind, payer, method, cheque_number, "
            "cents, cancels, recorded_at, recorded_by) VALUES "
            "('2026-11-02', ?, 'patient', 'x', 'cash', '', -100, ?, 'now', 'x')",
            (fee, line.receipt_id))


def test_a_new_rate_is_a_new_line_from_its_date(ctx, encounter):
    ctx.fees.add_rate("G", "", 3200, dt.date(2026, 12, 1))
    table = ctx.fees.table()
    assert table.rate_on("G", dt.date(2026, 11, 30))[1] == 3000
    assert table.rate_on("G", dt.date(2026, 12, 1))[1] == 3200
    with pytest.raises(InvalidInput, match="code de l'acte"):
        ctx.fees.add_rate("g 1", "Consultation", 3000, dt.date(2026, 12, 1))
    assert events(ctx, "act table")


@pytest.mark.parametrize(("entered", "message"), [
    (FeeInput((("ZZZ", 1),)), "Acte inconnu"),
    (FeeInput((("G", 1),), paid_cents=-1, method="cash"), "négatif"),
    (FeeInput((("G", 1),), paid_cents=3000, method="cheque"), "numéro du chèque"),
])
def test_bad_input_leaves_nothing(ctx, encounter, entered, message):
    _, lineage = encounter
    with pytest.raises(InvalidInput, match=message):
        ctx.fees.record(lineage, entered)
    assert ctx.fees.encounter_fees(lineage) == []


def test_the_accountants_files_carry_no_medical_text(ctx, encounter, tmp_path):
    _, lineage = encounter
    ctx.fees.record(lineage, FeeInput((("G", 1),), paid_cents=3000, method="card"))
    out = Output(demo_signer(), tmp_path, CancelToken())
    result = ctx.fees.export(2026, None, out)
    names = sorted(f.name for f in result.files)
    assert names == ["INVENTAIRE.txt", "livre-journal-2026.csv", "livre-journal-2026.pdf",
                     "totaux-2026.csv"]
    folder = tmp_path / "recettes-2026"
    pdf = folder / "livre-journal-2026.pdf"
    assert pdf_checks.pdfsig_valid(pdf)
    text = pdf_checks.pdf_text(pdf)
    assert "LEFÈVRE Émilie" in text and "AA — Recettes encaissées" in text
    raw = b"".join(p.read_bytes() for p in folder.iterdir())
    assert MEDICAL not in text and MEDICAL.encode() not in raw and b"Toux" not in raw
    assert "30,00" in (folder / "totaux-2026.csv").read_text("utf-8-sig")
    assert events(ctx, "ledger")[0]["action"] == "export"
