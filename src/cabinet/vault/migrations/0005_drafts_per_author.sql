-- A draft belongs to the physician who typed it: a remplaçant never picks up the titular's
-- unsaved text (or the other way round). Drafts are working state: the old table is dropped.

DROP TABLE draft;

CREATE TABLE draft (
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    kind TEXT NOT NULL,
    lineage INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    author TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (patient_id, kind, lineage, author_id)
) WITHOUT ROWID;
