-- Issue 18: results that arrive from laboratories (HPRIM Santé text files, PDF reports).
-- Each file received is kept whole (its bytes in blob, by SHA-256: a file dropped twice is
-- received once), then filed in a record or rejected by one decision row; the structured
-- values of a filed file are rows of lab_value. Append-only: triggers refuse every UPDATE and
-- DELETE.

CREATE TABLE result_file (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    filename TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('hprim', 'pdf')),
    reason TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL
);

-- The one decision on a file: filed in a record (with its document entry) or rejected.
CREATE TABLE result_decision (
    file_id INTEGER PRIMARY KEY REFERENCES result_file(id),
    patient_id INTEGER REFERENCES patient(id),
    document INTEGER,
    how TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    CHECK ((patient_id IS NULL) = (document IS NULL))
);

CREATE TABLE lab_value (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    file_id INTEGER NOT NULL REFERENCES result_file(id),
    sampled_on TEXT NOT NULL,
    label TEXT NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('N', 'A', 'T')),
    value TEXT NOT NULL,
    number REAL,
    unit TEXT NOT NULL,
    low REAL,
    high REAL,
    flag TEXT NOT NULL,
    status TEXT NOT NULL,
    comment TEXT NOT NULL
);
CREATE INDEX lab_value_patient ON lab_value (patient_id, sampled_on);

CREATE TRIGGER result_file_kept_u BEFORE UPDATE ON result_file
BEGIN SELECT RAISE(ABORT, 'received files are kept as received'); END;
CREATE TRIGGER result_file_kept_d BEFORE DELETE ON result_file
BEGIN SELECT RAISE(ABORT, 'received files are kept as received'); END;
CREATE TRIGGER result_decision_kept_u BEFORE UPDATE ON result_decision
BEGIN SELECT RAISE(ABORT, 'a filing decision is kept'); END;
CREATE TRIGGER result_decision_kept_d BEFORE DELETE ON result_decision
BEGIN SELECT RAISE(ABORT, 'a filing decision is kept'); END;
CREATE TRIGGER lab_value_kept_u BEFORE UPDATE ON lab_value
BEGIN SELECT RAISE(ABORT, 'results are kept as received'); END;
CREATE TRIGGER lab_value_kept_d BEFORE DELETE ON lab_value
BEGIN SELECT RAISE(ABORT, 'results are kept as received'); END;
