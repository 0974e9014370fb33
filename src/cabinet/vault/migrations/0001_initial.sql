-- The first schema of the vault. Medical content is append-only: a correction is a new
-- version, and triggers refuse UPDATE and DELETE on every versioned and journal table.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE patient (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- Every version of a patient's identity; the current one is the highest version.
CREATE TABLE patient_identity (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    UNIQUE (patient_id, version)
);

-- Derived search index over the current identity (rebuilt on each identity version).
CREATE TABLE patient_index (
    patient_id INTEGER PRIMARY KEY REFERENCES patient(id),
    display_name TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL,
    nir TEXT NOT NULL
);
CREATE INDEX patient_index_birth_date ON patient_index (birth_date);
CREATE INDEX patient_index_nir ON patient_index (nir);

CREATE TABLE patient_name_token (
    token TEXT NOT NULL,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    PRIMARY KEY (token, patient_id)
) WITHOUT ROWID;

-- Every version of every medical entry. `lineage` is the id of the first version.
CREATE TABLE entry (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    kind TEXT NOT NULL,
    lineage INTEGER NOT NULL,
    version INTEGER NOT NULL,
    effective_date TEXT NOT NULL,
    payload TEXT NOT NULL,
    non_communicable INTEGER NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    UNIQUE (lineage, version)
);
CREATE INDEX entry_patient ON entry (patient_id, kind, effective_date);

-- Files stored inside the vault, addressed by their SHA-256.
CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content BLOB NOT NULL
) WITHOUT ROWID;

-- Full-text index of the current version of each entry; rowid = entry.id.
CREATE VIRTUAL TABLE entry_text USING fts5 (
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The access journal (TRACE-1, TRACE-2): append-only, hash-chained.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    workstation TEXT NOT NULL,
    action TEXT NOT NULL,
    patient_id INTEGER,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_patient ON audit (patient_id, id);

CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit journal is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit journal is append-only'); END;
CREATE TRIGGER entry_append_only_update BEFORE UPDATE ON entry
BEGIN SELECT RAISE(ABORT, 'entries are corrected by new versions'); END;
CREATE TRIGGER entry_append_only_delete BEFORE DELETE ON entry
BEGIN SELECT RAISE(ABORT, 'entries are corrected by new versions'); END;
CREATE TRIGGER identity_append_only_update BEFORE UPDATE ON patient_identity
BEGIN SELECT RAISE(ABORT, 'identities are corrected by new versions'); END;
CREATE TRIGGER identity_append_only_delete BEFORE DELETE ON patient_identity
BEGIN SELECT RAISE(ABORT, 'identities are corrected by new versions'); END;
CREATE TRIGGER blob_append_only_update BEFORE UPDATE ON blob
BEGIN SELECT RAISE(ABORT, 'stored files never change'); END;
