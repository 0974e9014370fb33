-- Indexes found missing by the benchmarks: the second word of a name search seeks by
-- patient, and importing sealed connection attempts looks up their ids without a scan.

CREATE INDEX patient_name_token_by_patient ON patient_name_token (patient_id, token);
CREATE INDEX audit_pending_target ON audit (target) WHERE target LIKE 'pending:%';
