-- The agenda (issue 17): the practice's setup (appointment types, opening hours, absences,
-- recurring blocks) as one JSON document, and the appointments. An appointment is moved,
-- shortened or changes status in place, each change journaled by the service; none is ever
-- deleted: a cancelled or missed appointment stays, with its status.

CREATE TABLE agenda_setup (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    setup TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE appointment (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    type_name TEXT NOT NULL,
    start TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('prevu', 'arrive', 'vu', 'absent', 'annule')),
    arrived_at TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX appointment_start ON appointment (start);
CREATE INDEX appointment_patient ON appointment (patient_id, start);

CREATE TRIGGER appointment_kept BEFORE DELETE ON appointment
BEGIN
    SELECT RAISE(ABORT, 'appointments are kept: a cancelled one stays');
END;

CREATE TRIGGER appointment_patient_kept BEFORE UPDATE ON appointment
WHEN NEW.patient_id IS NOT OLD.patient_id OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'an appointment keeps its patient');
END;
