"""TRANSV.ZIP: what belongs to the practice rather than to one patient.

    TRACES.LOG    the access journal as RFC 5424 syslog lines, one event per line, with the
                  imputability fields (who, when, how they got in, what, which record)
    TRACES.JSONL  the same events with their hash-chain links, so a successor can check the
                  chain independently (`cabinet archive verify`) and Cabinet can import it
    AGENDA.ICS    the practice's agenda as iCalendar (`cabinet.exchange.ics`)

Only a MASSIF export carries the agenda, as the PDLGC draft asks.
"""

import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import IO

from cabinet.domain.audit import AuditEvent, JournalRow

ARCHIVE_NAME = "TRANSV.ZIP"
TRACES_LOG = "TRACES.LOG"
TRACES_JSONL = "TRACES.JSONL"
AGENDA_ICS = "AGENDA.ICS"
_PRIORITY = 13 * 8 + 6  # facility "log audit", severity "informational"
_ENTERPRISE = 32473  # the private enterprise number RFC 5612 reserves for documentation
_IMPUTABILITY = {"read": "acces", "search": "acces", "create": "modification",
                 "correct": "modification", "export": "acces", "print": "acces",
                 "connect": "connexion", "connect_failed": "connexion", "lock": "connexion",
                 "admin": "administration"}


def _param(value: object) -> str:
    text = str(value)
    for special in ("\\", '"', "]"):
        text = text.replace(special, "\\" + special)
    return text


def syslog_line(row: JournalRow) -> str:
    """One event as an RFC 5424 line."""
    event_id, event, _, digest = row
    params = {"id": event_id, "type": _IMPUTABILITY.get(event.action, "autre"),
              "auteur": event.actor, "idAuteur": event.actor_id, "mode": event.mode,
              "patient": "" if event.patient_id is None else event.patient_id,
              "objet": event.target, "hash": digest}
    data = " ".join(f'{k}="{_param(v)}"' for k, v in params.items())
    host = "".join(c for c in event.workstation if 33 <= ord(c) <= 126)[:255] or "-"
    return (f"<{_PRIORITY}>1 {event.at} {host} cabinet - {event.action} "
            f"[imputabilite@{_ENTERPRISE} {data}]")


def json_line(row: JournalRow) -> str:
    """One event with its links, as stored."""
    event_id, event, previous, digest = row
    return json.dumps({"id": event_id, "event": asdict(event), "prev_hash": previous,
                       "hash": digest}, ensure_ascii=False, sort_keys=True)


def parse_json_line(line: bytes) -> JournalRow:
    """Read back one TRACES.JSONL line; `ValueError` when malformed."""
    try:
        data = json.loads(line)
        return (int(data["id"]), AuditEvent(**data["event"]), str(data["prev_hash"]),
                str(data["hash"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError("malformed journal line") from error


def write(sink: IO[bytes], pages: Callable[[], Iterable[list[JournalRow]]],
          check: Callable[[], None], agenda: bytes | None = None) -> tuple[int, int]:
    """Stream TRANSV.ZIP into `sink`; return how many files it holds and their size.

    The journal is read twice, a page at a time, once per file; `check` may cancel. The
    agenda (`AGENDA.ICS`), when given, follows the journal.
    """
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, line in ((TRACES_LOG, syslog_line), (TRACES_JSONL, json_line)):
            with zf.open(name, "w", force_zip64=True) as member:
                for page in pages():
                    check()
                    member.write("".join(line(r) + "\n" for r in page).encode())
        if agenda is not None:
            zf.writestr(AGENDA_ICS, agenda)
        return len(zf.infolist()), sum(info.file_size for info in zf.infolist())
