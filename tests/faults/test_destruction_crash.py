"""kill -9 during a destruction (RET-2): the records stay whole, or are destroyed WITH their
signed certificate and journal events, never half.

The destroyer is a real child process (tests/helpers/crash_destroyer.py) that stops inside
the destruction's transaction at a chosen statement (the first deletion of an entry, the
certificate being stored, the COMMIT beginning) or after it returned, and is killed there.
The vault is then reopened here and checked.
"""

import sqlite3
from pathlib import Path

import pytest

from cabinet.audit import journal
from cabinet.bootstrap import build_context
from cabinet.domain.audit import AccessMode
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.vault import database
from cabinet.vault.session import Credential, unlock
from helpers.clock import SteppingClock
from helpers.killed_child import kill_child, start_child, wait_first_line
from helpers.pdf_checks import pdf_text, pdfsig_valid
from helpers.retention_cases import MARKER, retention_cases
from helpers.vaults import new_context

DEMO = Credential(AccessMode.DEMO, DEMO_PASSWORD)

pytestmark = pytest.mark.slow


def count(conn: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


@pytest.mark.parametrize(("point", "destroyed"), [
    ("DELETE FROM entry", False), ("INSERT INTO destruction", False), ("COMMIT", False),
    ("done", True)])
def test_a_killed_destruction_leaves_records_whole_or_destroyed_with_certificate(
        tmp_path: Path, point: str, destroyed: bool) -> None:
    folder, clock = tmp_path / "coffre-demo", SteppingClock()
    ctx, _ = new_context(folder, clock, demo=True)
    cases = retention_cases(ctx)
    ctx.retention.run_pass()
    ctx.lock()
    targets = [cases.old, cases.deceased]

    process = start_child("helpers.crash_destroyer", str(folder), point,
                          *(str(t) for t in targets))
    assert wait_first_line(process).decode() == ("done\n" if destroyed else f"at {point}\n")
    kill_child(process)

    reopened = build_context(unlock(folder, DEMO, clock, "poste-controle"), clock)
    conn = reopened.vault.conn
    try:
        assert database.integrity_problems(conn) == []
        assert journal.verify(conn).intact
        entries = [count(conn, "SELECT count(*) FROM entry WHERE patient_id = ?", t)
                   for t in targets]
        kept = reopened.retention.destructions()
        erasures = count(conn, "SELECT count(*) FROM erasure")
        marked = count(conn, "SELECT count(*) FROM destroyed_record")
        if destroyed:
            assert (entries, len(kept), erasures, marked) == ([0, 0], 1, 2, 2)
            certificate = tmp_path / "certificat.pdf"
            certificate.write_bytes(kept[0].certificate)
            assert pdfsig_valid(certificate)
            assert f"Dossier n° {cases.old}" in pdf_text(certificate)
            assert count(conn, "SELECT count(*) FROM audit WHERE detail LIKE ?",
                         f"%{kept[0].certificate_sha256}%") == 1
        else:
            assert (entries, kept, erasures, marked) == ([2, 2], [], 0, 0)
            assert {cases.old, cases.deceased} <= {
                j.patient_id for j in reopened.retention.proposals()}
            assert count(conn, "SELECT count(*) FROM entry WHERE payload LIKE ?",
                         f"%{MARKER}%") == 6
    finally:
        reopened.lock()
