-- CONT-3: « already imported » is the signed manifest and the certificate that signed it, not
-- the export number alone: a forgery reusing a genuine export number must never block the
-- genuine archive. The table is rebuilt without its UNIQUE export number (SQLite cannot drop
-- a constraint); its rows keep their numbers, so the provenance and the predecessor's journal
-- still point at them (foreign keys are checked at the end of the migration's transaction).

PRAGMA defer_foreign_keys = ON;

CREATE TABLE imported_archive_signed AS SELECT * FROM imported_archive;

DROP TABLE imported_archive;

CREATE TABLE imported_archive (
    id INTEGER PRIMARY KEY,
    export_id TEXT NOT NULL,
    manifest BLOB NOT NULL,
    signature BLOB NOT NULL,
    exporter TEXT NOT NULL,
    exporter_rpps TEXT NOT NULL,
    certificate_sha256 TEXT NOT NULL,
    extract_time TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (manifest, certificate_sha256)
);

INSERT INTO imported_archive SELECT * FROM imported_archive_signed ORDER BY id;

DROP TABLE imported_archive_signed;

CREATE INDEX imported_archive_export_id ON imported_archive (export_id);

CREATE TRIGGER imported_archive_kept_u BEFORE UPDATE ON imported_archive
BEGIN SELECT RAISE(ABORT, 'imported archives are kept as received'); END;
CREATE TRIGGER imported_archive_kept_d BEFORE DELETE ON imported_archive
BEGIN SELECT RAISE(ABORT, 'imported archives are kept as received'); END;
