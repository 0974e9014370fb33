-- Issue 17: fees and the livre-journal des recettes. Everything here is append-only: a new
-- rate is a new dated line, a cancelled fee gets a cancellation row, a corrected receipt a
-- negative line that names the one it cancels. Triggers refuse every UPDATE and DELETE.

-- The physician's own lines of the act table, on top of the NGAP table shipped with Cabinet.
CREATE TABLE act_rate (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    cents INTEGER NOT NULL CHECK (cents >= 0),
    since TEXT NOT NULL,
    zone TEXT NOT NULL,
    per_km INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
);

-- The acts of one encounter (its lineage), priced at its date; what the insurer owes.
CREATE TABLE fee (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id),
    encounter INTEGER NOT NULL,
    act_date TEXT NOT NULL,
    zone TEXT NOT NULL,
    acts TEXT NOT NULL,
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
    third_party_cents INTEGER NOT NULL CHECK (third_party_cents >= 0),
    insurer TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX fee_encounter ON fee (encounter);

CREATE TABLE fee_cancellation (
    fee_id INTEGER PRIMARY KEY REFERENCES fee(id),
    reason TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);

-- The livre-journal des recettes: money received, on the day it was received.
CREATE TABLE receipt (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    fee_id INTEGER NOT NULL REFERENCES fee(id),
    payer_kind TEXT NOT NULL CHECK (payer_kind IN ('patient', 'insurer')),
    payer TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('cash', 'cheque', 'card', 'transfer')),
    cheque_number TEXT NOT NULL,
    cents INTEGER NOT NULL,
    cancels INTEGER UNIQUE REFERENCES receipt(id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    CHECK ((cancels IS NULL AND cents > 0) OR (cancels IS NOT NULL AND cents < 0)),
    CHECK (method != 'cheque' OR cheque_number != '')
);
CREATE INDEX receipt_day ON receipt (day, method, cents);
CREATE INDEX receipt_fee ON receipt (fee_id);

CREATE TRIGGER act_rate_kept_u BEFORE UPDATE ON act_rate
BEGIN SELECT RAISE(ABORT, 'rates are added, never changed'); END;
CREATE TRIGGER act_rate_kept_d BEFORE DELETE ON act_rate
BEGIN SELECT RAISE(ABORT, 'rates are added, never changed'); END;
CREATE TRIGGER fee_kept_u BEFORE UPDATE ON fee
BEGIN SELECT RAISE(ABORT, 'fees are cancelled, never changed'); END;
CREATE TRIGGER fee_kept_d BEFORE DELETE ON fee
BEGIN SELECT RAISE(ABORT, 'fees are cancelled, never changed'); END;
CREATE TRIGGER fee_cancellation_kept_u BEFORE UPDATE ON fee_cancellation
BEGIN SELECT RAISE(ABORT, 'cancellations are kept'); END;
CREATE TRIGGER fee_cancellation_kept_d BEFORE DELETE ON fee_cancellation
BEGIN SELECT RAISE(ABORT, 'cancellations are kept'); END;
CREATE TRIGGER receipt_kept_u BEFORE UPDATE ON receipt
BEGIN SELECT RAISE(ABORT, 'the receipts ledger is append-only'); END;
CREATE TRIGGER receipt_kept_d BEFORE DELETE ON receipt
BEGIN SELECT RAISE(ABORT, 'the receipts ledger is append-only'); END;
-- A cancelling line cancels a whole, earlier line of the same fee, by its opposite amount.
CREATE TRIGGER receipt_cancels_whole BEFORE INSERT ON receipt
WHEN NEW.cancels IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM receipt r WHERE r.id = NEW.cancels AND r.cancels IS NULL
    AND r.cents = -NEW.cents AND r.fee_id = NEW.fee_id)
BEGIN SELECT RAISE(ABORT, 'a cancelling line must cancel a whole receipt'); END;
