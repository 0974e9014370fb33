"""The SQL side of fees and the receipts ledger: only INSERTs and reads.

It shares the record store's connection, so a fee, its receipt and their audit event commit
together in the record store's transaction. The schema's triggers refuse any UPDATE or
DELETE, whoever tries.
"""

import datetime as dt
import json
from typing import Any

from cabinet.domain.fees import Rate
from cabinet.services.ports import FeeRow, NewFee, ReceiptRow
from cabinet.vault.database import Connection

_FEE = ("SELECT f.id, f.patient_id, f.encounter, f.act_date, f.zone, f.acts, f.total_cents, "
        "f.third_party_cents, f.insurer, f.recorded_at, f.recorded_by, "
        "EXISTS (SELECT 1 FROM fee_cancellation c WHERE c.fee_id = f.id), "
        "coalesce((SELECT sum(cents) FROM receipt r WHERE r.fee_id = f.id "
        "AND r.payer_kind = 'patient'), 0), "
        "coalesce((SELECT sum(cents) FROM receipt r WHERE r.fee_id = f.id "
        "AND r.payer_kind = 'insurer'), 0) FROM fee f")
_RECEIPT = ("SELECT id, day, fee_id, payer_kind, payer, method, cheque_number, cents, cancels, "
            "recorded_at, recorded_by FROM receipt")


def _fee(row: tuple[Any, ...]) -> FeeRow:
    return FeeRow(patient_id=row[1], encounter=row[2], act_date=row[3], zone=row[4],
                  acts=json.loads(row[5]), total_cents=row[6], third_party_cents=row[7],
                  insurer=row[8], recorded_at=row[9], recorded_by=row[10], fee_id=row[0],
                  cancelled=bool(row[11]), patient_paid_cents=row[12],
                  insurer_paid_cents=row[13])


class SqlFeeStore:
    """`FeeStore` over one SQLCipher connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_rate(self, rate: Rate, added_at: str, added_by: str) -> None:
        """Append one dated rate line."""
        self._conn.execute(
            "INSERT INTO act_rate (code, label, cents, since, zone, per_km, added_at, "
            "added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (rate.code, rate.label, rate.cents, rate.since.isoformat(), rate.zone,
             int(rate.per_km), added_at, added_by))

    def added_rates(self) -> list[Rate]:
        """The physician's lines, oldest first."""
        return [Rate(r[0], r[1], r[2], dt.date.fromisoformat(r[3]), r[4], bool(r[5]))
                for r in self._conn.execute(
                    "SELECT code, label, cents, since, zone, per_km FROM act_rate ORDER BY id")]

    def add_fee(self, fee: NewFee) -> int:
        """Store an encounter's fee."""
        cursor = self._conn.execute(
            "INSERT INTO fee (patient_id, encounter, act_date, zone, acts, total_cents, "
            "third_party_cents, insurer, recorded_at, recorded_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (fee.patient_id, fee.encounter, fee.act_date, fee.zone, json.dumps(fee.acts),
             fee.total_cents, fee.third_party_cents, fee.insurer, fee.recorded_at,
             fee.recorded_by))
        return int(cursor.lastrowid or 0)

    def cancel_fee(self, fee_id: int, reason: str, recorded_at: str, recorded_by: str) -> None:
        """Record a fee's cancellation (a second one is refused by the primary key)."""
        self._conn.execute(
            "INSERT INTO fee_cancellation (fee_id, reason, recorded_at, recorded_by) "
            "VALUES (?, ?, ?, ?)", (fee_id, reason, recorded_at, recorded_by))

    def fees(self, *, encounter: int | None = None, fee_id: int | None = None) -> list[FeeRow]:
        """The fees of one encounter, or one fee."""
        column, value = ("f.id", fee_id) if fee_id is not None else ("f.encounter", encounter)
        return [_fee(r) for r in self._conn.execute(
            f"{_FEE} WHERE {column} = ? ORDER BY f.id", (value,))]

    def add_receipt(self, receipt: ReceiptRow) -> int:
        """Append one ledger line."""
        cursor = self._conn.execute(
            "INSERT INTO receipt (day, fee_id, payer_kind, payer, method, cheque_number, "
            "cents, cancels, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (receipt.day, receipt.fee_id, receipt.payer_kind, receipt.payer, receipt.method,
             receipt.cheque_number, receipt.cents, receipt.cancels, receipt.recorded_at,
             receipt.recorded_by))
        return int(cursor.lastrowid or 0)

    def receipts(self, since: str, until: str, method: str = "", *,
                 standing: bool = False) -> list[ReceiptRow]:
        """Ledger lines of a period, by day then as written."""
        where, args = "day BETWEEN ? AND ?", [since, until]
        if method:
            where, args = where + " AND method = ?", [*args, method]
        if standing:
            where += (" AND cancels IS NULL AND NOT EXISTS (SELECT 1 FROM receipt c "
                      "WHERE c.cancels = receipt.id)")
        return [ReceiptRow(*r) for r in self._conn.execute(
            f"{_RECEIPT} WHERE {where} ORDER BY day, id", args)]

    def fee_receipts(self, fee_id: int) -> list[ReceiptRow]:
        """Every ledger line of one fee."""
        return [ReceiptRow(*r) for r in self._conn.execute(
            f"{_RECEIPT} WHERE fee_id = ? ORDER BY id", (fee_id,))]

    def totals(self, since: str, until: str, period_length: int) -> list[tuple[str, str, int]]:
        """Sums per period and method, read from the covering index alone."""
        return [(r[0], r[1], r[2]) for r in self._conn.execute(
            "SELECT substr(day, 1, ?), method, sum(cents) FROM receipt "
            "WHERE day BETWEEN ? AND ? GROUP BY 1, 2 ORDER BY 1, 2",
            (period_length, since, until))]

    def insurer_expected(self) -> list[FeeRow]:
        """Fees still waiting for part of their tiers payant (filtered before being read)."""
        return [_fee(r) for r in self._conn.execute(
            f"{_FEE} WHERE f.third_party_cents > 0 AND f.third_party_cents > coalesce((SELECT "
            "sum(cents) FROM receipt r "
            "WHERE r.fee_id = f.id AND r.payer_kind = 'insurer'), 0) AND NOT EXISTS (SELECT 1 "
            "FROM fee_cancellation c WHERE c.fee_id = f.id) ORDER BY f.act_date, f.id")]
