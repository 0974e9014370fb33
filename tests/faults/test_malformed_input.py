"""Malformed input is refused with a French message, and nothing half-written remains.

Each case runs against a real vault holding one patient and one encounter. The refusal must
be an `InvalidInput` whose message is French and does not repeat the offending value; the
vault must hold exactly the rows it held before (no patient, version, file, index row or
audit event for the refused write), the connection must not be left inside a transaction,
and the vault must still accept a valid write afterwards.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cabinet.audit import journal
from cabinet.bootstrap import AppContext
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput
from helpers.vaults import identity, valid_nir

TABLES = ("patient", "patient_identity", "patient_index", "patient_name_token", "entry",
          "blob", "audit", "meta")
MARKER = "Zorglubienne"  # a name no valid write in these tests uses
MB = 1024 * 1024

GOOD_NIR = valid_nir("2610375056123")
BAD_KEY_NIR = GOOD_NIR[:13] + f"{(int(GOOD_NIR[13:]) + 1) % 100:02d}"
TEN_MB_NOTE = ("Le patient rapporte " + MARKER + " ") * (10 * MB // 32)
CONTROL_NAME = MARKER + "\x1b[31m"


def encounter(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "date": "2026-10-30", "reason": "Toux", "history": "Depuis trois jours.",
        "examination": "Auscultation normale.", "vitals": [{"code": "temperature",
                                                            "value": 37.9}],
        "conclusion": "Bronchite aiguë", "plan": "Repos.",
    }
    payload.update(changes)
    return payload


def document_metadata(**changes: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "doc_type": "result", "title": "Bilan sanguin", "origin": "Laboratoire",
        "date": "2026-10-20", "filename": "bilan.pdf", "media_type": "application/pdf",
    }
    metadata.update(changes)
    return metadata


@dataclasses.dataclass(frozen=True)
class Case:
    """A refused write: what it does, the French words expected, what must not be echoed."""

    id: str
    write: Callable[[AppContext, int, int], object]
    french: tuple[str, ...]
    offending: tuple[str, ...] = ()


def create(**changes: Any) -> Callable[[AppContext, int, int], object]:
    base = {"birth_name": MARKER, "first_names": "Jeanne"}
    base.update(changes)
    return lambda ctx, _patient, _lineage: ctx.patients.create(identity(**base))


def add(kind: EntryKind, payload: dict[str, Any]) -> Callable[[AppContext, int, int], object]:
    return lambda ctx, patient, _lineage: ctx.records.add_entry(patient, kind, payload)


def add_document(content: bytes, **changes: Any) -> Callable[[AppContext, int, int], object]:
    return lambda ctx, patient, _lineage: ctx.records.add_document(
        patient, document_metadata(**changes), content)


CASES = [
    # Identities.
    Case("empty birth name", create(birth_name="", first_names=MARKER),
         ("nom de naissance", "obligatoire")),
    Case("blank birth name", create(birth_name="   ", first_names=MARKER),
         ("nom de naissance", "obligatoire")),
    Case("empty first names", create(first_names=""), ("prénoms", "obligatoire")),
    Case("birth date in the future", create(birth_date=dt.date(2100, 1, 1)),
         ("date de naissance", "futur"), ("2100",)),
    Case("birth date before 1880", create(birth_date=dt.date(1850, 6, 1)),
         ("date de naissance", "vérifiez"), ("1850",)),
    Case("NIR with a wrong key", create(nir=BAD_KEY_NIR), ("clé du NIR", "vérifiez"),
         (BAD_KEY_NIR, BAD_KEY_NIR[:13], BAD_KEY_NIR[13:])),
    Case("NIR of the wrong length", create(nir="1234"), ("NIR", "chiffres"), ("1234",)),
    Case("escape sequence in a name", create(first_names=CONTROL_NAME),
         ("prénoms", "caractères non admis"), (CONTROL_NAME, MARKER)),
    Case("NUL byte in a name", create(birth_name=MARKER + "\x00"),
         ("nom de naissance", "caractères non admis"), (MARKER,)),
    Case("line break in a name", create(birth_name=f"{MARKER}\nDupont"),
         ("nom de naissance", "caractères non admis"), (MARKER,)),
    Case("digits in a name", create(birth_name=MARKER + "2"),
         ("nom de naissance", "caractères non admis"), (MARKER,)),
    Case("control character in the address", create(address=MARKER + "\x07 rue"),
         ("adresse", "caractères non admis"), (MARKER,)),
    Case("10 MB of text in the address", create(address=TEN_MB_NOTE),
         ("adresse", "trop long"), (MARKER,)),
    Case("email without @", create(email=f"{MARKER}.exemple.fr"),
         ("courriel", "forme"), (MARKER,)),
    Case("identity correction with a wrong NIR",
         lambda ctx, patient, _: ctx.patients.correct(patient, identity(nir=BAD_KEY_NIR),
                                                      "erreur de saisie"),
         ("clé du NIR",), (BAD_KEY_NIR,)),
    Case("identity correction without a reason",
         lambda ctx, patient, _: ctx.patients.correct(patient, identity(used_name=MARKER),
                                                      "  "),
         ("motif", "correction")),
    # Entries.
    Case("impossible encounter date", add(EntryKind.ENCOUNTER, encounter(date="2026-02-30")),
         ("date de la consultation", "valide"), ("2026-02-30",)),
    Case("month 13 in a treatment", add(EntryKind.TREATMENT, {
        "drug": MARKER, "since": "2026-13-01"}), ("date de début", "valide"),
         ("2026-13-01", MARKER)),
    Case("encounter without a reason", add(EntryKind.ENCOUNTER, encounter(reason="")),
         ("motif", "obligatoire")),
    Case("temperature out of range", add(EntryKind.ENCOUNTER, encounter(vitals=[
        {"code": "temperature", "value": 52.7}])), ("Température", "hors des valeurs"),
         ("52.7", "52,7")),
    Case("heart rate out of range", add(EntryKind.ENCOUNTER, encounter(vitals=[
        {"code": "heart_rate", "value": 3127}])), ("Fréquence cardiaque", "hors des valeurs"),
         ("3127",)),
    Case("vital sign that is not a number", add(EntryKind.ENCOUNTER, encounter(vitals=[
        {"code": "weight", "value": MARKER}])), ("Poids", "pas un nombre"), (MARKER,)),
    Case("10 MB of text in a note", add(EntryKind.PRIVATE_NOTE, {
        "category": "personal", "text": TEN_MB_NOTE}), ("La note", "dépasse", "caractères"),
         (MARKER,)),
    Case("control character in a conclusion", add(EntryKind.ENCOUNTER, encounter(
        conclusion=f"{MARKER}\x00\x08")), ("conclusion", "caractères de contrôle"),
         (MARKER,)),
    Case("escape sequence in an allergy", add(EntryKind.ALLERGY, {
        "status": "present", "substance": CONTROL_NAME}), ("substance", "contrôle"),
         (MARKER,)),
    Case("prescription without lines", add(EntryKind.PRESCRIPTION, {
        "date": "2026-10-30", "lines": []}), ("ordonnance", "au moins une ligne")),
    Case("prescription line without duration", add(EntryKind.PRESCRIPTION, {
        "date": "2026-10-30", "lines": [{"drug": MARKER, "dosage": "1 cp"}]}),
         ("durée", "obligatoire"), (MARKER,)),
    Case("unknown history category", add(EntryKind.HISTORY, {
        "category": MARKER, "text": "Appendicectomie"}), ("catégorie", "valeurs"),
         (MARKER,)),
    Case("entry correction without a reason",
         lambda ctx, _, lineage: ctx.records.correct_entry(lineage, encounter(), ""),
         ("motif", "correction")),
    Case("entry correction with an impossible date",
         lambda ctx, _, lineage: ctx.records.correct_entry(
             lineage, encounter(date="2026-04-31"), "date corrigée"),
         ("date", "valide"), ("2026-04-31",)),
    # Documents.
    Case("empty document", add_document(b""), ("fichier", "vide")),
    Case("60 MB document", add_document(b"%PDF" + bytes(60 * MB)), ("fichier", "dépasse"),
         (str(60 * MB + 4),)),
    Case("document with an impossible date", add_document(
        b"%PDF-1.4 " + MARKER.encode(), date="2026-02-29"), ("date du document", "valide"),
         ("2026-02-29",)),
    Case("document without a title", add_document(b"%PDF-1.4 contenu", title=""),
         ("titre", "obligatoire")),
    Case("document of an unknown type", add_document(
        b"%PDF-1.4 contenu", doc_type=MARKER), ("type de document", "valeurs"), (MARKER,)),
]


def row_counts(ctx: AppContext) -> dict[str, int]:
    return {table: ctx.vault.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLES}


def state(ctx: AppContext) -> tuple[dict[str, int], dict[str, int], int, int]:
    return (ctx.vault.store.counts(), row_counts(ctx), journal.verify(ctx.vault.conn).checked,
            ctx.vault.store.audit_events_written())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input_is_refused_and_leaves_nothing(ctx: AppContext, case: Case) -> None:
    patient = ctx.patients.create(identity(nir=GOOD_NIR))
    lineage = ctx.records.add_entry(patient, EntryKind.ENCOUNTER, encounter())
    before = state(ctx)

    with pytest.raises(InvalidInput) as refused:
        case.write(ctx, patient, lineage)

    error = refused.value
    assert str(error) == error.message
    for words in case.french:
        assert words in error.message, f"{error.message!r} lacks {words!r}"
    for shown in (error.message, repr(error)):
        for value in case.offending:
            assert value not in shown, f"the refusal repeats the offending value: {shown!r}"
        assert len(shown) < 300

    assert not ctx.vault.conn.in_transaction
    assert state(ctx) == before
    assert ctx.patients.search(MARKER) == []
    assert ctx.patients.search("Jeanne") == []
    assert [v.version for v in ctx.vault.store.identity_versions(patient)] == [1]
    assert [v.version for v in ctx.vault.store.entry_versions(lineage)] == [1]

    # The vault still takes a valid write, journaled as usual.
    ctx.records.add_entry(patient, EntryKind.RISK_FACTOR, {"text": "Tabagisme actif"})
    after = ctx.vault.store.counts()
    assert after["entries.risk_factor"] == 1
    assert after["audit_events"] == before[0]["audit_events"] + 1
    assert journal.verify(ctx.vault.conn).intact
