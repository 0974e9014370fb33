-- CONT-2, CONT-3: the portability archive. What was imported, from whom (the manifest and its
-- signature as received), where every imported row came from, and the predecessor's access
-- journal kept apart, read-only, with its own hash chain. And the patients' choices of a
-- successor when the practice closes. Everything here is append-only.

CREATE TABLE imported_archive (
    id INTEGER PRIMARY KEY,
    export_id TEXT NOT NULL UNIQUE,
    manifest BLOB NOT NULL,
    signature BLOB NOT NULL,
    exporter TEXT NOT NULL,
    exporter_rpps TEXT NOT NULL,
    certificate_sha256 TEXT NOT NULL,
    extract_time TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

-- kind: 'patient' or 'entry'; local_id: the row here; source_id: the predecessor's.
CREATE TABLE provenance (
    kind TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    archive INTEGER NOT NULL REFERENCES imported_archive(id),
    source_id INTEGER NOT NULL,
    PRIMARY KEY (kind, local_id)
) WITHOUT ROWID;

CREATE TABLE predecessor_journal (
    archive INTEGER NOT NULL REFERENCES imported_archive(id),
    source_id INTEGER NOT NULL,
    event TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (archive, source_id)
) WITHOUT ROWID;

-- The latest choice of a patient wins; earlier ones stay.
CREATE TABLE successor_choice (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    choice TEXT NOT NULL,
    physician TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX successor_choice_patient ON successor_choice (patient_id, id);

CREATE TRIGGER imported_archive_kept_u BEFORE UPDATE ON imported_archive
BEGIN SELECT RAISE(ABORT, 'imported archives are kept as received'); END;
CREATE TRIGGER imported_archive_kept_d BEFORE DELETE ON imported_archive
BEGIN SELECT RAISE(ABORT, 'imported archives are kept as received'); END;
CREATE TRIGGER provenance_kept_u BEFORE UPDATE ON provenance
BEGIN SELECT RAISE(ABORT, 'provenance is kept'); END;
CREATE TRIGGER provenance_kept_d BEFORE DELETE ON provenance
BEGIN SELECT RAISE(ABORT, 'provenance is kept'); END;
CREATE TRIGGER predecessor_journal_read_only_u BEFORE UPDATE ON predecessor_journal
BEGIN SELECT RAISE(ABORT, 'the predecessor journal is read-only'); END;
CREATE TRIGGER predecessor_journal_read_only_d BEFORE DELETE ON predecessor_journal
BEGIN SELECT RAISE(ABORT, 'the predecessor journal is read-only'); END;
CREATE TRIGGER successor_choice_kept_u BEFORE UPDATE ON successor_choice
BEGIN SELECT RAISE(ABORT, 'choices are recorded, never changed'); END;
CREATE TRIGGER successor_choice_kept_d BEFORE DELETE ON successor_choice
BEGIN SELECT RAISE(ABORT, 'choices are recorded, never changed'); END;
