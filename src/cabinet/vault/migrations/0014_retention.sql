-- Issue 20 (RET-1, RET-2): retention. Which records stand in the intermediate archive is
-- working state (the daily pass adds them, a new encounter takes one out, both journaled);
-- legal holds, passes and destructions are append-only, kept with their certificate.

CREATE TABLE record_archive (
    patient_id INTEGER PRIMARY KEY REFERENCES patient(id),
    archived_on TEXT NOT NULL
);

-- A hold is placed (placed = 1) or lifted (placed = 0) with its reason; the latest row counts.
CREATE TABLE legal_hold (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    placed INTEGER NOT NULL CHECK (placed IN (0, 1)),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    since TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX legal_hold_patient ON legal_hold (patient_id, id);

-- One row per day the pass ran: it runs at unlock, at most once a day.
CREATE TABLE retention_pass (
    day TEXT PRIMARY KEY,
    archived INTEGER NOT NULL,
    proposed INTEGER NOT NULL,
    ran_at TEXT NOT NULL
) WITHOUT ROWID;

-- A confirmed destruction and its signed certificate (no medical content: numbers, dates,
-- rules), written in the same transaction as the deletion of the records' content.
CREATE TABLE destruction (
    id INTEGER PRIMARY KEY,
    records TEXT NOT NULL,
    certificate BLOB NOT NULL,
    certificate_sha256 TEXT NOT NULL,
    destroyed_at TEXT NOT NULL,
    destroyed_by TEXT NOT NULL
);
CREATE TABLE destroyed_record (
    patient_id INTEGER PRIMARY KEY REFERENCES patient(id),
    destruction INTEGER NOT NULL REFERENCES destruction(id)
) WITHOUT ROWID;

CREATE TRIGGER legal_hold_kept_u BEFORE UPDATE ON legal_hold
BEGIN SELECT RAISE(ABORT, 'a hold is lifted by a new row, never changed'); END;
CREATE TRIGGER legal_hold_kept_d BEFORE DELETE ON legal_hold
BEGIN SELECT RAISE(ABORT, 'a hold is lifted by a new row, never changed'); END;
CREATE TRIGGER retention_pass_kept_u BEFORE UPDATE ON retention_pass
BEGIN SELECT RAISE(ABORT, 'passes are kept'); END;
CREATE TRIGGER retention_pass_kept_d BEFORE DELETE ON retention_pass
BEGIN SELECT RAISE(ABORT, 'passes are kept'); END;
CREATE TRIGGER destruction_kept_u BEFORE UPDATE ON destruction
BEGIN SELECT RAISE(ABORT, 'destruction certificates are kept'); END;
CREATE TRIGGER destruction_kept_d BEFORE DELETE ON destruction
BEGIN SELECT RAISE(ABORT, 'destruction certificates are kept'); END;
CREATE TRIGGER destroyed_record_kept_u BEFORE UPDATE ON destroyed_record
BEGIN SELECT RAISE(ABORT, 'destructions are kept'); END;
CREATE TRIGGER destroyed_record_kept_d BEFORE DELETE ON destroyed_record
BEGIN SELECT RAISE(ABORT, 'destructions are kept'); END;
-- A record under hold is never destroyed, whatever the caller.
CREATE TRIGGER destroyed_record_not_held BEFORE INSERT ON destroyed_record
WHEN (SELECT placed FROM legal_hold WHERE patient_id = NEW.patient_id ORDER BY id DESC LIMIT 1) = 1
BEGIN SELECT RAISE(ABORT, 'this record is under a legal hold'); END;
