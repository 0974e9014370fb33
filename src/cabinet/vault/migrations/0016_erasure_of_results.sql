-- RIGHTS-3, RET-2: a laboratory's values and the file they came in are the record's medical
-- content too. They go with the record's destruction, or with the erasure of the result
-- document they were filed with; otherwise they stay append-only, as received. As for the
-- entries (0013), a DELETE passes only while the erasure's own grant covers the row.

DROP TRIGGER lab_value_kept_d;
CREATE TRIGGER lab_value_kept_d BEFORE DELETE ON lab_value
WHEN NOT EXISTS (SELECT 1 FROM erasure_grant g WHERE g.patient_id = OLD.patient_id
                 AND (g.lineage IS NULL OR g.lineage = (SELECT d.document FROM result_decision d
                                                       WHERE d.file_id = OLD.file_id)))
BEGIN SELECT RAISE(ABORT, 'results are kept as received'); END;

DROP TRIGGER result_decision_kept_d;
CREATE TRIGGER result_decision_kept_d BEFORE DELETE ON result_decision
WHEN NOT EXISTS (SELECT 1 FROM erasure_grant g WHERE g.patient_id = OLD.patient_id
                 AND (g.lineage IS NULL OR g.lineage = OLD.document))
BEGIN SELECT RAISE(ABORT, 'a filing decision is kept'); END;

-- A file goes only once no decision and no value names it, and only during an erasure.
DROP TRIGGER result_file_kept_d;
CREATE TRIGGER result_file_kept_d BEFORE DELETE ON result_file
WHEN NOT EXISTS (SELECT 1 FROM erasure_grant)
     OR EXISTS (SELECT 1 FROM result_decision WHERE file_id = OLD.id)
     OR EXISTS (SELECT 1 FROM lab_value WHERE file_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'received files are kept as received'); END;
