"""Laboratories' files received: filed in the one certain record, else « À classer »."""

import datetime as dt

import pytest

from cabinet.bootstrap import build_context
from cabinet.domain.audit import AccessMode
from cabinet.domain.record import EntryKind
from cabinet.exchange import reception
from cabinet.services.ports import JournalFilter
from cabinet.services.results import NotPending, Received, import_arrivals
from cabinet.vault.session import Credential, unlock, unlock_with_card
from helpers.certificates import signer
from helpers.hprim_files import HprimFile, drop
from helpers.practice import practice_with_substitute
from helpers.vaults import identity, valid_nir

NIR = valid_nir("2610375123456")


@pytest.fixture
def emilie(ctx):
    return ctx.patients.create(identity("Lefèvre", "Émilie", nir=NIR))


def documents(ctx, patient):
    return ctx.records.open_record(patient).of_kind(EntryKind.DOCUMENT)


def test_a_file_with_the_records_nir_and_identity_is_filed_with_its_values(ctx, emilie):
    content = HprimFile(nir=NIR).encoded()
    assert ctx.results.receive("res.hpr", content) is Received.FILED
    [document] = documents(ctx, emilie)
    assert document.payload["doc_type"] == "result"
    assert document.payload["date"] == "2026-11-02"
    assert ctx.records.read_document(document.lineage) == content  # the original kept
    values = ctx.results.values(emilie)
    assert [(v.sampled_on, v.value.code, v.value.number) for v in values] == [
        (dt.date(2026, 11, 2), "GLY", 1.32), (dt.date(2026, 11, 2), "K", 4.1),
        (dt.date(2026, 11, 2), "HBA1C", 7.4)]
    assert ctx.results.pending() == []
    said = [e["detail"] for e in ctx.vault.store.audit_rows(emilie, 50, JournalFilter())]
    assert any("classé (automatique) : 3 résultat(s)" in d for d in said)


def test_without_a_nir_the_identity_files_it_accents_and_case_aside(ctx, emilie):
    content = HprimFile(last_name="LEFEVRE", first_name="EMILIE MARIE").encoded()
    assert ctx.results.receive("res.hpr", content) is Received.FILED
    assert len(documents(ctx, emilie)) == 1


@pytest.mark.parametrize(("file", "reason"), [
    (HprimFile(last_name="DURAND", nir=NIR), "Le NIR correspond à un dossier dont le nom"),
    (HprimFile(nir=valid_nir("2610375999999")), "Un dossier a cette identité mais un autre NIR"),
    (HprimFile(last_name="MARTIN"), "Aucun dossier ne correspond"),
])
def test_a_doubtful_file_waits_to_be_filed(ctx, emilie, file, reason):
    assert ctx.results.receive("res.hpr", file.encoded()) is Received.PENDING
    [pending] = ctx.results.pending()
    assert pending.file.reason.startswith(reason)
    assert pending.header is not None and pending.header.last_name == file.last_name
    assert documents(ctx, emilie) == [] and ctx.results.values(emilie) == []


def test_two_records_alike_leave_the_file_to_the_physician_who_attaches_it(ctx, emilie):
    twin = ctx.patients.create(identity("Lefèvre", "Émilie"))
    ctx.results.receive("res.hpr", HprimFile().encoded())
    [pending] = ctx.results.pending()
    assert pending.file.reason.startswith("Plusieurs dossiers")
    ctx.results.attach(pending.file.file_id, twin)
    assert len(documents(ctx, twin)) == 1 and len(ctx.results.values(twin)) == 3
    assert ctx.results.pending() == []
    with pytest.raises(NotPending):
        ctx.results.attach(pending.file.file_id, emilie)
    said = [e["detail"] for e in ctx.vault.store.audit_rows(twin, 50, JournalFilter())]
    assert any("classé (manuel)" in d for d in said)


def test_a_rejected_file_leaves_the_list_and_is_journaled(ctx, emilie):
    ctx.results.receive("res.pdf", b"%PDF-1.7 report")
    [pending] = ctx.results.pending()
    assert pending.header is None  # a PDF always waits: it names no one the software reads
    ctx.results.reject(pending.file.file_id, "Patient d'un autre cabinet")
    assert ctx.results.pending() == []
    said = [e["detail"] for e in ctx.vault.store.audit_rows(None, 50, JournalFilter())]
    assert "rejeté : Patient d'un autre cabinet" in said


def test_the_folder_is_emptied_after_commit_once_and_refused_files_kept_aside(
        ctx, emilie, tmp_path):
    folder = tmp_path / "réception"
    drop(folder, "a.hpr", HprimFile(nir=NIR).encoded("utf-8"))
    drop(folder, "b.hpr", HprimFile(nir=NIR).encoded("utf-8"))  # the same bytes again
    drop(folder, "c.hpr", HprimFile(birth_date="32/13/1961").encoded())
    summary = import_arrivals(ctx.results, reception.arrivals(folder))
    assert (summary.filed, summary.duplicates, [n for n, _ in summary.refused]) == (
        1, 1, ["c.hpr"])
    assert sorted(p.name for p in folder.iterdir()) == ["refusés"]
    refused = folder / "refusés"
    assert sorted(p.name for p in refused.iterdir()) == ["c.hpr", "c.hpr.motif.txt"]
    assert "Ligne 7" in (refused / "c.hpr.motif.txt").read_text("utf-8")
    assert len(documents(ctx, emilie)) == 1
    drop(folder, "a.hpr", HprimFile(nir=NIR).encoded("utf-8"))  # dropped again later
    again = import_arrivals(ctx.results, reception.arrivals(folder))
    assert (again.filed, again.duplicates) == (0, 1)
    assert len(documents(ctx, emilie)) == 1 and len(ctx.results.values(emilie)) == 3


def test_a_file_stays_in_the_folder_when_its_transaction_fails(ctx, emilie, tmp_path,
                                                               monkeypatch):
    folder = tmp_path / "réception"
    path = drop(folder, "a.hpr", HprimFile(nir=NIR).encoded())

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(type(ctx.results._results), "add_values", crash)
    with pytest.raises(OSError):
        import_arrivals(ctx.results, reception.arrivals(folder))
    assert path.exists()
    monkeypatch.undo()
    assert ctx.results.pending() == [] and documents(ctx, emilie) == []  # nothing half-written
    assert import_arrivals(ctx.results, reception.arrivals(folder)).filed == 1
    assert not path.exists()


def test_a_file_still_being_written_is_left_for_later(tmp_path):
    (tmp_path / "a.hpr").write_bytes(HprimFile().encoded())
    assert reception.arrivals(tmp_path) == []


def test_a_remplacants_pass_leaves_an_objecting_patients_result_to_the_titular(
        vault_dir, clock, tmp_path):
    practice = practice_with_substitute(vault_dir, clock)
    substitute = build_context(unlock_with_card(
        vault_dir, practice.substitute_certificate, signer(practice.substitute_key), clock,
        "poste"), clock)
    folder = tmp_path / "réception"
    path = drop(folder, "a.hpr", HprimFile(last_name="SECRET", first_name="Anne").encoded())
    drop(folder, "b.hpr", HprimFile(last_name="OUVERT", first_name="Paul").encoded())
    summary = import_arrivals(substitute.results, reception.arrivals(folder))
    assert (summary.filed, summary.pending) == (1, 1) and not path.exists()
    [waiting] = substitute.results.pending()
    assert waiting.file.reason.startswith("Le patient s'est opposé")
    substitute.lock()
    titular = build_context(unlock(vault_dir, Credential(AccessMode.RECOVERY,
                                                         practice.recovery_key),
                                   clock, "poste"), clock)
    titular.results.attach(waiting.file.file_id, practice.objecting)
    assert len(titular.results.values(practice.objecting)) == 3
    titular.lock()


def test_an_overlong_prescriber_line_is_cut_in_the_documents_origin(ctx, emilie):
    long_line = "Dr MARTIN Jean, Laboratoire des Lilas, " * 20
    assert ctx.results.receive("res.hpr", HprimFile(nir=NIR, prescriber=long_line)
                               .encoded()) is Received.FILED
    [document] = documents(ctx, emilie)
    assert long_line.startswith(document.payload["origin"])


def test_a_pending_files_content_is_read_for_the_physician_and_journaled(ctx, emilie):
    ctx.results.receive("cr.pdf", b"%PDF-1.7 a laboratory's report")
    [pending] = ctx.results.pending()
    assert ctx.results.pending_content(pending.file.file_id) == b"%PDF-1.7 a laboratory's report"
    [event] = ctx.vault.store.audit_rows(None, 1, JournalFilter())
    assert (event["target"], event["detail"]) == (f"result file:{pending.file.file_id}",
                                                  "document content")
