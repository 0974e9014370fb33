-- Drafts: what the physician is typing, kept inside the vault so a lock loses nothing.
-- A draft is working state, not the record: it is replaced as typing goes on and removed
-- once the entry is saved. lineage is 0 for a new entry, else the entry being corrected.

CREATE TABLE draft (
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    kind TEXT NOT NULL,
    lineage INTEGER NOT NULL,
    payload TEXT NOT NULL,
    author TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (patient_id, kind, lineage)
) WITHOUT ROWID;
