-- RIGHTS-3, RET-2: erasure, the one controlled exception to append-only medical content.
-- An erasure row says who erased what, when, on which request or rule, never the content;
-- it is kept for good. The DELETE of an entry's versions (or of a stored file) passes the
-- triggers only while an erasure_grant row covering it exists: the erasure writes that row
-- and removes it in its own transaction, so none outlives it. top_id is the highest row
-- number destroyed: entry numbers are never given again.

CREATE TABLE erasure (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    lineage INTEGER,
    kind TEXT NOT NULL,
    request INTEGER,
    rule TEXT NOT NULL,
    reason TEXT NOT NULL,
    versions INTEGER NOT NULL,
    top_id INTEGER NOT NULL,
    erased_at TEXT NOT NULL,
    erased_by TEXT NOT NULL
);
CREATE INDEX erasure_patient ON erasure (patient_id, id);

-- lineage NULL: the whole medical content of the patient's record.
CREATE TABLE erasure_grant (
    erasure INTEGER PRIMARY KEY REFERENCES erasure(id),
    patient_id INTEGER NOT NULL,
    lineage INTEGER
);

CREATE TRIGGER erasure_kept_u BEFORE UPDATE ON erasure
BEGIN SELECT RAISE(ABORT, 'erasures are kept'); END;
CREATE TRIGGER erasure_kept_d BEFORE DELETE ON erasure
BEGIN SELECT RAISE(ABORT, 'erasures are kept'); END;
CREATE TRIGGER erasure_grant_fixed BEFORE UPDATE ON erasure_grant
BEGIN SELECT RAISE(ABORT, 'an erasure grant is never widened'); END;

DROP TRIGGER entry_append_only_delete;
CREATE TRIGGER entry_append_only_delete BEFORE DELETE ON entry
WHEN NOT EXISTS (SELECT 1 FROM erasure_grant g WHERE g.patient_id = OLD.patient_id
                 AND (g.lineage IS NULL OR g.lineage = OLD.lineage))
BEGIN SELECT RAISE(ABORT, 'entries are corrected by new versions'); END;

-- Which document entries name a stored file: without it each check scans every entry.
CREATE INDEX entry_document_file ON entry (json_extract(payload, '$.sha256'))
WHERE kind = 'document';

CREATE TRIGGER blob_kept_delete BEFORE DELETE ON blob
WHEN NOT EXISTS (SELECT 1 FROM erasure_grant)
     OR EXISTS (SELECT 1 FROM entry WHERE kind = 'document'
                AND json_extract(payload, '$.sha256') = OLD.sha256)
BEGIN SELECT RAISE(ABORT, 'stored files are kept while an entry names them'); END;

-- RIGHTS-1: when and how each patient was informed of the processing of their data.
CREATE TABLE information_given (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    given_on TEXT NOT NULL,
    means TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX information_given_patient ON information_given (patient_id, id);

-- GDPR-1: the data-breach register. A correction is a new row naming the one it corrects.
CREATE TABLE breach (
    id INTEGER PRIMARY KEY,
    corrects INTEGER REFERENCES breach(id),
    data TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);

CREATE TRIGGER information_given_kept_u BEFORE UPDATE ON information_given
BEGIN SELECT RAISE(ABORT, 'the information given is recorded, never changed'); END;
CREATE TRIGGER information_given_kept_d BEFORE DELETE ON information_given
BEGIN SELECT RAISE(ABORT, 'the information given is recorded, never changed'); END;
CREATE TRIGGER breach_kept_u BEFORE UPDATE ON breach
BEGIN SELECT RAISE(ABORT, 'the breach register is corrected by new rows'); END;
CREATE TRIGGER breach_kept_d BEFORE DELETE ON breach
BEGIN SELECT RAISE(ABORT, 'the breach register is corrected by new rows'); END;
