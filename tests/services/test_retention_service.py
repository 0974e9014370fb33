"""The retention pass, the intermediate archive, legal holds and the review (RET-1, RET-2)."""

import datetime as dt

import pytest

from cabinet.domain.record import EntryKind
from cabinet.domain.retention import Rule, Stage
from cabinet.errors import InvalidInput
from helpers.retention_cases import retention_cases


@pytest.fixture
def cases(ctx):
    return retention_cases(ctx)


def archived(ctx, patient_id):
    return ctx.vault.conn.execute("SELECT 1 FROM record_archive WHERE patient_id = ?",
                                  (patient_id,)).fetchone() is not None


def test_the_pass_archives_records_without_an_encounter_for_five_years(ctx, cases):
    assert ctx.retention.due()
    report = ctx.retention.run_pass()
    assert (report.archived, report.proposed) == (5, 2)
    assert [archived(ctx, p) for p in (cases.old, cases.minor, cases.archived, cases.deceased,
                                       cases.active, cases.held)] == [True] * 4 + [False, True]
    assert not ctx.retention.due()  # at most once a day
    events = ctx.vault.store.audit_rows(cases.archived, 5)
    assert any(e["target"] == "retention" and "dossier archivé" in e["detail"] for e in events)


def test_proposals_name_the_rule_and_never_offer_a_held_record(ctx, cases):
    ctx.retention.run_pass()
    found = {j.patient_id: j for j in ctx.retention.proposals()}
    assert set(found) == {cases.old, cases.deceased, cases.held}
    assert found[cases.old].verdict.rule is Rule.LAST_ENCOUNTER
    assert found[cases.deceased].verdict.rule is Rule.DEATH
    assert found[cases.deceased].rule_text == "10 ans après le décès"
    assert found[cases.held].verdict.stage is Stage.HELD


def test_an_archived_record_is_read_only_until_a_new_encounter_reopens_it(ctx, cases):
    ctx.retention.run_pass()
    with pytest.raises(InvalidInput, match="archive intermédiaire"):
        ctx.records.add_entry(cases.archived, EntryKind.ALLERGY, {"substance": "Latex"})
    assert ctx.records.open_record(cases.archived).of_kind(EntryKind.ALLERGY) == []
    ctx.records.add_entry(cases.archived, EntryKind.ENCOUNTER, {"date": "2026-11-02",
                                                                "reason": "Retour"})
    assert not archived(ctx, cases.archived)
    ctx.records.add_entry(cases.archived, EntryKind.ALLERGY, {"substance": "Latex"})
    details = [e["detail"] for e in ctx.vault.store.audit_rows(cases.archived, 10)]
    assert "dossier rouvert par une nouvelle consultation" in details


def test_an_archived_record_is_searched_only_when_asked(ctx, cases):
    ctx.retention.run_pass()
    assert [r.patient_id for r in ctx.patients.search("archive")] == []
    assert [r.patient_id for r in ctx.patients.search("archive", include_archived=True)] == [
        cases.archived]


def test_a_hold_is_lifted_with_its_reason_and_the_record_is_proposed_again(ctx, cases):
    ctx.retention.run_pass()
    with pytest.raises(InvalidInput, match="motif"):
        ctx.retention.lift_hold(cases.held, "")
    ctx.retention.lift_hold(cases.held, "Jugement définitif")
    assert [h.placed for h in ctx.retention.holds(cases.held)] == [True, False]
    assert cases.held in {j.patient_id for j in ctx.retention.proposals()
                          if j.verdict.stage is Stage.DESTRUCTION}
    with pytest.raises(InvalidInput, match="aucune mesure"):
        ctx.retention.lift_hold(cases.held, "Encore")


def test_a_duration_below_the_legal_minimum_changes_nothing(ctx):
    with pytest.raises(InvalidInput, match="au moins 20 ans"):
        ctx.settings.change({"retention_archive_years": "3", "retention_destroy_years": "10"})
    assert ctx.settings.current()["retention_destroy_years"] == "20"
    assert ctx.settings.current()["retention_archive_years"] == "5"


def test_a_pass_with_nothing_to_do_journals_nothing_and_runs_once_a_day(ctx):
    from helpers.retention_cases import seen

    seen(ctx, "Actif", dt.date(1970, 2, 2), "2025-06-01")
    before = ctx.vault.store.counts()["audit_events"]
    assert ctx.retention.run_pass() is not None
    assert ctx.vault.store.counts()["audit_events"] == before
    assert not ctx.retention.due()


def test_a_judicial_seizure_places_a_legal_hold_on_the_seized_record(ctx, cases, tmp_path):
    from cabinet.documents.demo_certificate import demo_signer
    from cabinet.domain.rights import Seizure
    from cabinet.exchange.staging import CancelToken
    from cabinet.services.issuing import Output

    ctx.exports.seize(cases.old, Seizure("Mme Juge", "RG 26/00123", "Dr Ordre"),
                      Output(demo_signer(), tmp_path, CancelToken()))
    assert [(h.placed, h.reason) for h in ctx.retention.holds(cases.old)] == [
        (True, "Saisie judiciaire (décision RG 26/00123)")]
    ctx.retention.run_pass()
    held = {j.patient_id: j.verdict.stage for j in ctx.retention.proposals()}
    assert held[cases.old] is Stage.HELD


def test_a_pass_stopped_by_the_lock_writes_nothing(ctx, cases):
    before = ctx.vault.store.counts()["audit_events"]
    assert ctx.retention.run_pass(lambda: True) is None
    assert not archived(ctx, cases.old)
    assert ctx.vault.store.counts()["audit_events"] == before
    assert ctx.retention.due()  # it runs again at the next unlock
