"""The destruction certificate (RET-2): which records were destroyed, when, by which rule.

It names each record by its number only, with its dates and the retention rule applied:
never a name, never medical content. The physician signs it; the vault keeps it beside the
trace of the destruction in the journal.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from cabinet.documents.layout import Document, Letterhead, text
from cabinet.documents.typography import date_and_time, long_date
from cabinet.domain.agreement import undersigned
from cabinet.domain.identity import format_french_date

TITLE = "Certificat de destruction de dossiers médicaux"


@dataclass(frozen=True)
class DestroyedLine:
    """One record of the certificate: its number, dates and rule (no medical content)."""

    patient_id: int
    last_encounter: dt.date
    rule: str
    due_on: dt.date


def destruction_certificate(letterhead: Letterhead, lines: Sequence[DestroyedLine],
                            destroyed_at: dt.datetime) -> Document:
    """The certificate of one confirmed destruction, its records in number order."""
    rows = [text(f"• Dossier n° {line.patient_id} : dernière consultation le "
                 f"{format_french_date(line.last_encounter)} ; règle appliquée : {line.rule} ; "
                 f"échéance le {format_french_date(line.due_on)}.")
            for line in sorted(lines, key=lambda line: line.patient_id)]
    body = [text(f"{undersigned(letterhead.sex, letterhead.physician, f'RPPS {letterhead.rpps}')}"
                 f" certifie avoir fait détruire le {date_and_time(destroyed_at)}, après revue "
                 "et confirmation expresse, le contenu médical des dossiers suivants, arrivés "
                 "au terme de leur durée de conservation (article R. 1112-7 du code de la "
                 f"santé publique) et sous aucune mesure de conservation légale ({len(lines)} "
                 f"dossier{'s' if len(lines) > 1 else ''}) :"),
            Spacer(1, 2 * mm), *rows, Spacer(1, 2 * mm),
            text("Seuls subsistent dans le coffre le numéro de chaque dossier, ce certificat "
                 "et la trace de la destruction au journal des accès. Les sauvegardes "
                 "antérieures en gardent une copie chiffrée jusqu'à leur rotation."),
            Spacer(1, 3 * mm), text(f"Fait le {long_date(destroyed_at.astimezone().date())}.")]
    return Document(TITLE, letterhead, "", body)
