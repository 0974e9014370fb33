-- Issue 18: the physician's own versions of the shipped document templates, and the address
-- book of correspondents (colleagues and services) with the patients they are linked to.
-- Neither is medical content: an edited template is replaced, a correspondent corrected or
-- removed; every change is journaled by the services.

-- The physician's version of a shipped template (key of the shipped one); none: the original.
CREATE TABLE document_template (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL
);

CREATE TABLE correspondent (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name != ''),
    specialty TEXT NOT NULL,
    rpps TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    mssante TEXT NOT NULL,
    certificate BLOB NOT NULL, -- for encrypting a transmission to them (PEM or DER), or empty
    changed_at TEXT NOT NULL
);
CREATE UNIQUE INDEX correspondent_rpps ON correspondent (rpps) WHERE rpps != '';

-- The patient's médecin traitant (one at most) and usual correspondents.
CREATE TABLE patient_correspondent (
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    correspondent_id INTEGER NOT NULL REFERENCES correspondent(id),
    role TEXT NOT NULL CHECK (role IN ('treating', 'usual')),
    PRIMARY KEY (patient_id, correspondent_id)
);
CREATE UNIQUE INDEX patient_treating ON patient_correspondent (patient_id)
    WHERE role = 'treating';
CREATE INDEX patient_correspondent_by_correspondent ON patient_correspondent (correspondent_id);
