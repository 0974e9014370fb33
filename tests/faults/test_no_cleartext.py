"""No patient data in clear on disk.

Unique markers go into every field the physician can fill in (identity, every kind of entry,
a document's metadata and its bytes, correction reasons), are searched and read back, and
then every file the vault left on disk is scanned as raw bytes: the vault folder, the temp
directories, the application's log folder, and the files this process holds open (including
deleted temporary files). No marker may appear, in UTF-8 or in UTF-16-LE, in any case.
"""

import dataclasses
import datetime as dt
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import platformdirs
import pytest

from cabinet.bootstrap import AppContext
from cabinet.domain.audit import AccessMode
from cabinet.domain.identity import Identity, IdentityStatus, Sex
from cabinet.domain.record import EntryKind
from cabinet.errors import WrongKey
from cabinet.keys.recovery import format_recovery_key
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import Credential, unlock
from helpers.clock import SteppingClock
from helpers.vaults import new_context, valid_nir

# Identity fields deliberately left without a marker: codes too short or too regular to be
# told apart from random bytes, and enumerations.
UNMARKED_IDENTITY_FIELDS = {"sex", "birth_date", "death_date", "birth_place_code", "postal_code",
                            "ins_oid", "identity_status"}
# Payload values that are codes, dates, numbers or fingerprints, not text typed by the
# physician.
CODE_KEYS = {"category", "topic", "choice", "date", "since", "stopped", "status", "doc_type",
             "sha256", "size", "code", "unit", "value", "intolerance", "ald"}


CHUNK = 16 * 1024 * 1024
OVERLAP = 4096


def random_letters(count: int) -> str:
    return "".join(chr(ord("a") + secrets.randbelow(16)) for _ in range(count))


def random_digits(count: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(count))


class Markers:
    """Unique strings, each under a label saying which field it was written into.

    Every marker starts with one of two anchors drawn for this run (ten letters, or eight
    digits), so a file is scanned for the anchors first and for each marker only where an
    anchor shows up: large files are read once, chunk by chunk.
    """

    def __init__(self) -> None:
        self.letter_anchor = random_letters(10)
        self.digit_anchor = random_digits(8)
        self.needles: dict[str, str] = {}
        self.secrets: dict[str, str] = {}

    def letters(self, label: str) -> str:
        """A unique word of 20 letters (names refuse digits and hyphens)."""
        return self._keep(label, self.letter_anchor + random_letters(10))

    def digits(self, label: str, extra: int = 4) -> str:
        """A unique run of digits."""
        return self._keep(label, self.digit_anchor + random_digits(extra))

    def nir(self, label: str) -> str:
        """A unique NIR with its key."""
        return self._keep(label, valid_nir("1" + self.digit_anchor + random_digits(4)))

    def text(self, label: str) -> str:
        """A sentence holding a unique marker word."""
        word = self.letters(label)
        return f"MARQUEUR-{label.upper()}-{word} à retrouver nulle part"

    def secret(self, label: str, value: str) -> None:
        """A secret that has no anchor (a key): searched for as a whole."""
        self.secrets[label] = value

    def _keep(self, label: str, needle: str) -> str:
        assert label not in self.needles
        self.needles[label] = needle
        return needle

    def _patterns(self, needles: Mapping[str, str]) -> list[tuple[str, bytes]]:
        return [(label, form) for label, needle in needles.items()
                for form in (needle.lower().encode("utf-8"), needle.lower().encode("utf-16-le"))]

    def found_in(self, data: bytes) -> list[str]:
        """Labels of the markers present in `data`, case-insensitively."""
        folded = data.lower()
        anchors = {"letter anchor": self.letter_anchor, "digit anchor": self.digit_anchor,
                   **self.secrets}
        if not any(form in folded for _, form in self._patterns(anchors)):
            return []
        found = {label for label, form in self._patterns({**anchors, **self.needles})
                 if form in folded}
        return sorted(found)

    def marks(self, text: str) -> bool:
        """Whether `text` carries at least one whole marker."""
        return any(label in self.needles for label in self.found_in(text.encode()))

    def found_in_file(self, path: Path) -> list[str]:
        """Labels found in a file, read in overlapping chunks."""
        found: set[str] = set()
        with path.open("rb") as handle:
            tail = b""
            while chunk := handle.read(CHUNK):
                found.update(self.found_in(tail + chunk))
                tail = chunk[-OVERLAP:]
        return sorted(found)


def marked_identity(markers: Markers, prefix: str) -> Identity:
    return Identity(
        birth_name=markers.letters(f"{prefix}.birth_name").capitalize(),
        first_names=markers.letters(f"{prefix}.first_names").capitalize(),
        sex=Sex.FEMALE,
        birth_date=dt.date(1961, 3, 12),
        used_name=markers.letters(f"{prefix}.used_name").capitalize(),
        birth_place_code="75056",
        nir=markers.nir(f"{prefix}.nir"),
        ins_number=markers.nir(f"{prefix}.ins_number"),
        ins_oid="1.2.250.1.213.1.4.10",
        identity_status=IdentityStatus.VALIDATED,
        address=f"{markers.digits(f'{prefix}.address')} rue des Lilas",
        postal_code="75011",
        city=markers.letters(f"{prefix}.city").capitalize(),
        phones=(markers.digits(f"{prefix}.phone1", 2), markers.digits(f"{prefix}.phone2", 2)),
        email=f"{markers.letters(f'{prefix}.email')}@exemple.fr",
        insurer=f"CPAM {markers.letters(f'{prefix}.insurer')}",
    )


def marked_payloads(markers: Markers) -> dict[EntryKind, dict[str, Any]]:
    """One payload per kind of entry (documents apart), every text field marked."""
    m = markers.text
    return {
        EntryKind.HISTORY: {"category": "family", "text": m("history.text"),
                            "date": "1990-01-01", "relative": m("history.relative")},
        EntryKind.ALLERGY: {"status": "present", "substance": m("allergy.substance"),
                            "reaction": m("allergy.reaction"), "intolerance": False},
        EntryKind.RISK_FACTOR: {"text": m("risk_factor.text")},
        EntryKind.TREATMENT: {"drug": m("treatment.drug"), "dosage": m("treatment.dosage"),
                              "since": "2020-05-01"},
        EntryKind.ENCOUNTER: {
            "date": "2026-10-30", "reason": m("encounter.reason"),
            "history": m("encounter.history"), "examination": m("encounter.examination"),
            "vitals": [{"code": "weight", "value": 61.5}, {"code": "height", "value": 165}],
            "conclusion": m("encounter.conclusion"), "plan": m("encounter.plan"),
        },
        EntryKind.PRESCRIPTION: {"date": "2026-10-30", "lines": [
            {"drug": m("prescription.drug1"), "dosage": m("prescription.dosage1"),
             "duration": m("prescription.duration1"), "ald": True},
            {"drug": m("prescription.drug2"), "dosage": m("prescription.dosage2"),
             "duration": m("prescription.duration2")},
        ]},
        EntryKind.ADVANCE_DIRECTIVE: {"date": "2025-01-15", "text": m("directive.text"),
                                      "holder": m("directive.holder")},
        EntryKind.PRIVATE_NOTE: {"category": "third_party", "text": m("private_note.text")},
        EntryKind.CONSENT: {"topic": "sharing", "choice": "agrees", "date": "2025-01-15",
                            "note": m("consent.note")},
    }


def string_leaves(value: Any, key: str = "") -> Iterable[tuple[str, str]]:
    """Every (key, text) pair inside a stored payload."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from string_leaves(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from string_leaves(item, key)


def regular_files(root: Path, since: float | None) -> Iterable[Path]:
    """Regular files under `root` (no symlink followed), optionally modified since `since`."""
    for folder, _, names in os.walk(root, onerror=lambda _: None):
        for name in names:
            path = Path(folder) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            if since is not None and info.st_mtime < since:
                continue
            yield path


def open_files_of_this_process() -> Iterable[Path]:
    """The regular files this process holds open, deleted ones included (Linux)."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return
    for entry in list(fd_dir.iterdir()):
        try:
            if stat.S_ISREG(entry.stat().st_mode):
                yield entry
        except OSError:
            continue


def scan(markers: Markers, paths: Iterable[Path]) -> dict[str, list[str]]:
    """For every readable file holding a marker: the labels found."""
    leaks: dict[str, list[str]] = {}
    for path in paths:
        try:
            found = markers.found_in_file(path)
        except OSError:
            continue
        if found:
            target = os.readlink(path) if str(path).startswith("/proc/") else str(path)
            leaks[target] = found
    return leaks


def everything_on_disk(layout: VaultLayout, since: float) -> list[Path]:
    temp_roots = {Path(tempfile.gettempdir())}
    if Path("/var/tmp").is_dir():
        temp_roots.add(Path("/var/tmp"))
    log_root = Path(platformdirs.user_log_dir("Cabinet", appauthor=False))
    paths = list(regular_files(layout.folder, None))
    for root in temp_roots:
        paths += regular_files(root, since)
    if log_root.is_dir():
        paths += regular_files(log_root, None)
    paths += open_files_of_this_process()
    return [path for path in paths if not is_public_drug_base(path)]


def is_public_drug_base(path: Path) -> bool:
    """The ANSM drug base: public data written only from the BDPM files, never from a record.

    Its 18 MB of codes and prices hold, by chance, the eight random digits of a run's anchor.
    """
    return path.parent.name == "medicaments" and path.name.startswith("bdpm-") \
        and path.suffix == ".sqlite3"


def fill_every_field(ctx: AppContext, markers: Markers) -> tuple[int, list[int]]:
    """Write markers into every field; return the patient and the entry lineages."""
    patients, records = ctx.patients, ctx.records
    patient_id = patients.create(marked_identity(markers, "identity"))
    patients.correct(patient_id, marked_identity(markers, "identity2"),
                     reason=markers.text("identity.reason"))

    written = {kind: records.add_entry(patient_id, kind, payload)
               for kind, payload in marked_payloads(markers).items()}
    content = (b"%PDF-1.4\n" + secrets.token_bytes(200_000)
               + f"BT ({markers.text('document.content')}) Tj ET".encode()
               + secrets.token_bytes(100_000) + b"\n%%EOF\n")
    document = records.add_document(patient_id, {
        "doc_type": "letter_received", "title": markers.text("document.title"),
        "origin": markers.text("document.origin"), "date": "2026-10-29",
        "filename": f"{markers.letters('document.filename')}.pdf",
        "media_type": f"application/x-{markers.letters('document.media_type')}",
    }, content)
    assert records.read_document(document) == content

    encounter = written[EntryKind.ENCOUNTER]
    corrected = {**records.entry_history(encounter)[-1].payload,
                 "conclusion": markers.text("encounter.corrected_conclusion")}
    records.correct_entry(encounter, corrected, reason=markers.text("encounter.reason_fix"))
    records.correct_entry(document, {
        **records.entry_history(document)[-1].payload, "title": markers.text("document.title2"),
    }, reason=markers.text("document.reason_fix"))
    return patient_id, [*written.values(), document]


def test_no_patient_data_in_clear_on_disk(tmp_path: Path) -> None:
    since = time.time() - 2
    folder = tmp_path / "coffre"
    layout = VaultLayout(folder)
    clock = SteppingClock()
    ctx, recovery_key = new_context(folder, clock)
    markers = Markers()
    markers.secret("recovery key", recovery_key)

    # The scanner itself finds a marker, in either encoding and any case.
    probe = Markers()
    word = probe.letters("probe")
    control = tmp_path / "controle.bin"
    control.write_bytes(b"\x00\x01" + word.upper().encode("utf-16-le") + b"\xff")
    assert scan(probe, everything_on_disk(layout, since)) == {
        str(control): ["letter anchor", "probe"]}
    control.unlink()

    patient_id, lineages = fill_every_field(ctx, markers)

    # Every kind of entry was written, and every text the physician typed carries a marker.
    record = ctx.records.open_record(patient_id)
    assert {EntryKind(e.kind) for e in record.entries} == set(EntryKind)
    assert {e.lineage for e in record.entries} == set(lineages)
    for entry in record.entries:
        for key, text in string_leaves(entry.payload):
            if key not in CODE_KEYS:
                assert markers.marks(text), f"{entry.kind}.{key} carries no marker"
    current = ctx.patients.identity(patient_id)
    for field in dataclasses.fields(Identity):
        if field.name in UNMARKED_IDENTITY_FIELDS:
            continue
        value = getattr(current, field.name)
        texts = value if isinstance(value, tuple) else (value,)
        assert texts, field.name
        for text in texts:
            assert markers.marks(text), f"identity.{field.name} carries no marker"
    assert ctx.patients.identity_history(patient_id)[-1].reason

    # Searches and reads, as the physician does them.
    hit = markers.needles["encounter.history"]
    assert [h.patient_id for h in ctx.records.search_text(hit)] == [patient_id]
    assert [h.patient_id for h in ctx.records.search_text(markers.needles["document.title2"])] \
        == [patient_id]
    assert [r.patient_id for r in ctx.patients.search(markers.needles["identity2.birth_name"])] \
        == [patient_id]
    assert [r.patient_id for r in ctx.patients.search(markers.needles["identity2.nir"])] \
        == [patient_id]

    # Vault open, write-ahead log present.
    wal = layout.sidecar_files()[0]
    assert wal.exists()
    assert wal.stat().st_size > 0
    leaks = scan(markers, everything_on_disk(layout, since))
    assert leaks == {}, f"markers in clear while the vault is open: {leaks}"

    ctx.lock()

    # A failed attempt with a wrong recovery key: the refusal says nothing secret.
    wrong_key = format_recovery_key(secrets.token_bytes(23))
    markers.secret("wrong recovery key", wrong_key)
    with pytest.raises(WrongKey) as refused:
        unlock(folder, Credential(AccessMode.RECOVERY, wrong_key), clock, "poste-test")
    for shown in (refused.value.message, str(refused.value), repr(refused.value)):
        assert wrong_key not in shown
        assert recovery_key not in shown
        assert "clé de secours" in shown
    assert layout.pending_log.exists()

    # Vault locked, pending log present.
    assert layout.database.exists()
    leaks = scan(markers, everything_on_disk(layout, since))
    assert leaks == {}, f"markers in clear after lock: {leaks}"


def test_credential_shows_no_secret() -> None:
    secret = format_recovery_key(secrets.token_bytes(23))
    credential = Credential(AccessMode.RECOVERY, secret)
    for shown in (repr(credential), str(credential), f"{credential}", f"{credential!r}"):
        assert secret not in shown
        assert "recovery" in shown
    password = "Mot-de-passe-" + secrets.token_hex(8)
    assert password not in repr(Credential(AccessMode.DEGRADED, password))


def test_wrong_recovery_key_refusal_names_no_secret(tmp_path: Path) -> None:
    clock = SteppingClock()
    ctx, recovery_key = new_context(tmp_path / "coffre", clock)
    ctx.lock()
    # A typo in the right key, and a well-formed key of another vault.
    typo = ("Z" if recovery_key[0] != "Z" else "Y") + recovery_key[1:]
    other = format_recovery_key(secrets.token_bytes(23))
    for attempt in (typo, other):
        with pytest.raises(WrongKey) as refused:
            unlock(tmp_path / "coffre", Credential(AccessMode.RECOVERY, attempt), clock, "poste")
        error = refused.value
        for shown in (error.message, str(error), repr(error)):
            assert attempt not in shown
            assert recovery_key not in shown
            assert attempt.replace("-", "") not in shown
        assert error.__cause__ is None
