"""Confirmed destruction (RET-2): the content goes, a signed certificate without medical
content is kept with the journal's events; a held record or one not yet due is refused."""

import pytest

from cabinet.documents.demo_certificate import demo_signer
from cabinet.documents.destruction import TITLE
from cabinet.errors import InvalidInput
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from helpers.pdf_checks import pdf_text, pdfa_identified, pdfsig_valid
from helpers.retention_cases import MARKER, retention_cases


@pytest.fixture
def cases(ctx):
    found = retention_cases(ctx)
    ctx.retention.run_pass()
    return found


def entries(ctx, patient_id):
    return ctx.vault.conn.execute("SELECT count(*) FROM entry WHERE patient_id = ?",
                                  (patient_id,)).fetchone()[0]


def test_a_confirmed_batch_is_destroyed_with_its_signed_certificate(ctx, cases, tmp_path):
    done = ctx.retention.destroy([cases.old, cases.deceased], demo_signer())
    assert (entries(ctx, cases.old), entries(ctx, cases.deceased)) == (0, 0)
    assert entries(ctx, cases.archived) == 2  # the others stay whole
    assert [d.destruction_id for d in ctx.retention.destructions()] == [done.destruction_id]
    assert cases.old not in {j.patient_id for j in ctx.retention.proposals()}
    written = ctx.retention.export_certificate(done.destruction_id,
                                               Output(demo_signer(), tmp_path, CancelToken()))
    certificate = tmp_path / written.name
    assert certificate.read_bytes() == done.certificate
    assert pdfsig_valid(certificate) and pdfa_identified(certificate)
    text = " ".join(pdf_text(certificate).split())
    assert text.count(TITLE) == 1 and "<br/>" not in text  # one title, lines laid out
    assert "légale (2 dossiers) :" in text
    assert f"Dossier n° {cases.old} : dernière consultation le 10/01/2001" in text
    assert "règle appliquée : 20 ans après la dernière consultation" in text
    assert f"Dossier n° {cases.deceased}" in text and "10 ans après le décès" in text
    for absent in (MARKER, "Ancien", "Defunt", "Suivi", "02/04/1950"):
        assert absent not in text  # no name, no medical content, no birth date
    journal = [e["detail"] for e in ctx.vault.store.audit_rows(None, 20)]
    assert any(d.startswith("destruction confirmée de 2 dossier(s)") and
               done.certificate_sha256 in d for d in journal)


def test_a_record_under_hold_is_refused_and_nothing_is_destroyed(ctx, cases):
    with pytest.raises(InvalidInput, match=r"conservation légale.*Rien n'a été détruit"):
        ctx.retention.destroy([cases.old, cases.held], demo_signer())
    assert (entries(ctx, cases.old), entries(ctx, cases.held)) == (2, 2)
    assert ctx.retention.destructions() == []


def test_a_record_not_yet_due_is_refused(ctx, cases):
    with pytest.raises(InvalidInput, match="échéance le 15/09/2028"):
        ctx.retention.destroy([cases.minor], demo_signer())
    assert entries(ctx, cases.minor) == 2


def test_the_vault_refuses_destroying_a_held_record_whatever_the_caller(ctx, cases):
    from cabinet.vault.database import IntegrityError

    with pytest.raises(IntegrityError, match="legal hold"), ctx.vault.store.transaction():
        ctx.vault.conn.execute("INSERT INTO destruction (records, certificate, "
                               "certificate_sha256, destroyed_at, destroyed_by) "
                               "VALUES ('[]', x'00', '', '', '')")
        ctx.vault.conn.execute("INSERT INTO destroyed_record VALUES (?, 1)", (cases.held,))


def test_a_destroyed_record_takes_no_new_entry(ctx, cases):
    from cabinet.domain.record import EntryKind

    ctx.retention.destroy([cases.old], demo_signer())
    with pytest.raises(InvalidInput, match="a été détruit"):
        ctx.records.add_entry(cases.old, EntryKind.ENCOUNTER, {"date": "2026-11-02",
                                                                "reason": "Retour"})
