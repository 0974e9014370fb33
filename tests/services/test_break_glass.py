"""A patient's objection to the remplaçant, break-glass and its review (RIGHTS-2, AUTH-4, -5)."""

import pytest

from cabinet.bootstrap import build_context
from cabinet.domain.audit import AccessMode
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.records import ReplacementObjection
from cabinet.vault.session import Credential, unlock, unlock_with_card
from helpers.certificates import signer
from helpers.practice import practice_with_substitute


@pytest.fixture
def practice(vault_dir, clock):
    """A vault with a remplaçant's card and two patients, one objecting to the remplaçant."""
    built = practice_with_substitute(vault_dir, clock)
    key, certificate, recovery_key = (built.substitute_key, built.substitute_certificate,
                                      built.recovery_key)

    def as_substitute():
        return build_context(unlock_with_card(vault_dir, certificate, signer(key), clock,
                                              "poste"), clock)

    def as_titular():
        return build_context(unlock(vault_dir, Credential(AccessMode.RECOVERY, recovery_key),
                                    clock, "poste"), clock)

    return {"objecting": built.objecting, "other": built.other, "substitute": as_substitute,
            "titular": as_titular}


def test_the_remplacant_cannot_read_an_objecting_patient(practice):
    ctx = practice["substitute"]()
    with pytest.raises(ReplacementObjection, match="bris de glace"):
        ctx.records.open_record(practice["objecting"])
    assert ctx.records.open_record(practice["other"]).entries
    assert [h.patient_id for h in ctx.records.search_text("suivi")] == [practice["other"]]
    with pytest.raises(ReplacementObjection):
        ctx.records.add_entry(practice["objecting"], EntryKind.RISK_FACTOR, {"text": "x"})
    ctx.lock()


def test_the_titular_reads_everything(practice):
    ctx = practice["titular"]()
    assert len(ctx.records.open_record(practice["objecting"]).entries) == 2
    ctx.lock()


def test_break_glass_needs_a_reason_and_marks_every_later_event(practice):
    ctx = practice["substitute"]()
    with pytest.raises(InvalidInput, match="urgence"):
        ctx.records.break_glass(practice["objecting"], "vite")
    ctx.records.break_glass(practice["objecting"], "Malaise au cabinet, patiente inconsciente")
    record = ctx.records.open_record(practice["objecting"])
    assert record.of_kind(EntryKind.ENCOUNTER)
    events = ctx.journal.access_history(practice["objecting"])
    assert [(e["action"], e["target"], e["mode"]) for e in events[:2]] == [
        ("read", "record", "break_glass"), ("read", "break-glass", "break_glass")]
    assert "inconsciente" in events[1]["detail"]
    assert events[0]["actor"] == "LEROY Marc"
    ctx.lock()


def test_the_titular_reviews_break_glass_accesses_once(practice):
    ctx = practice["substitute"]()
    ctx.records.break_glass(practice["objecting"], "Malaise au cabinet, patiente inconsciente")
    with pytest.raises(KnownError, match="titulaire"):
        ctx.journal.mark_break_glass_reviewed(10**6)
    ctx.lock()
    titular = practice["titular"]()
    pending = titular.journal.break_glass_to_review()
    assert [(e["actor"], e["patient_id"]) for e in pending] == [
        ("LEROY Marc", practice["objecting"])]
    titular.journal.mark_break_glass_reviewed(pending[0]["id"])
    assert titular.journal.break_glass_to_review() == []
    titular.lock()


def test_a_draft_belongs_to_its_author(practice):
    from cabinet.services.ports import DraftKey

    key = DraftKey(practice["other"], EntryKind.ENCOUNTER.value)
    titular = practice["titular"]()
    titular.drafts.save(key, {"reason": "Texte du titulaire"})
    titular.lock()
    substitute = practice["substitute"]()
    assert substitute.drafts.restore(key) is None
    substitute.drafts.save(key, {"reason": "Texte du remplaçant"})
    substitute.lock()
    titular = practice["titular"]()
    assert titular.drafts.restore(key)[0]["reason"] == "Texte du titulaire"
    titular.lock()
