-- RIGHTS-4: the register of requests for a copy of the record. A request is written once;
-- only its delivery (when, what was given, its hash) is filled in later, once.

CREATE TABLE copy_request (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    request TEXT NOT NULL,
    received_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    delivery TEXT
);

CREATE INDEX copy_request_patient ON copy_request (patient_id);

CREATE TRIGGER copy_request_written_once BEFORE UPDATE ON copy_request
WHEN OLD.delivered_at IS NOT NULL OR NEW.request IS NOT OLD.request
     OR NEW.received_on IS NOT OLD.received_on OR NEW.patient_id IS NOT OLD.patient_id
BEGIN
    SELECT RAISE(ABORT, 'copy requests are written once');
END;

CREATE TRIGGER copy_request_kept BEFORE DELETE ON copy_request
BEGIN
    SELECT RAISE(ABORT, 'copy requests are kept');
END;
