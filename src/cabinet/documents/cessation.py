"""The documents of a practice's closure (CONT-2): the patients' letter, the council's declaration.

Article R. 4127-45 of the public health code: when a physician stops practising, the records
go to the successor the patient accepts, or to the physician the patient names; the others
are kept, and the departmental council of the Order is told where.
"""

import datetime as dt
from collections.abc import Mapping

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from cabinet.documents.content import patient_line
from cabinet.documents.layout import HEADING, Document, Letterhead, text
from cabinet.documents.typography import long_date
from cabinet.domain.agreement import undersigned
from cabinet.domain.identity import Identity


def information_letter(letterhead: Letterhead, identity: Identity, successor: str,
                       closing_on: dt.date, day: dt.date) -> Document:
    """The letter telling a patient the practice closes and asking where the record goes."""
    body = [text(f"{letterhead.address.splitlines()[-1] if letterhead.address else ''}, le "
                 f"{long_date(day)}"), Spacer(1, 4 * mm),
            text(f"{identity.display_name()}", HEADING),
            text("Madame, Monsieur,"), Spacer(1, 2 * mm),
            text(f"Je cesserai mon activité le {long_date(closing_on)}. "
                 + (f"Le docteur {successor} me succède et reprendra, si vous l'acceptez, le "
                    "suivi de votre dossier médical. " if successor else "")
                 + "Vous pouvez aussi choisir un autre médecin, à qui je transmettrai votre "
                   "dossier, ou demander une copie de votre dossier."),
            Spacer(1, 2 * mm),
            text("Merci de me faire connaître votre choix (successeur, autre médecin que vous "
                 "nommez, ou copie) par courrier ou lors de votre prochaine consultation. Sans "
                 "réponse de votre part, votre dossier sera conservé de façon sécurisée pendant "
                 "la durée légale, et le conseil départemental de l'Ordre des médecins sera "
                 "informé du lieu de sa conservation."),
            Spacer(1, 3 * mm),
            text("Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations "
                 "distinguées."), Spacer(1, 3 * mm), text(letterhead.physician)]
    return Document("Cessation d'activité : votre dossier médical", letterhead,
                    patient_line(identity), body)


def council_declaration(letterhead: Letterhead, council: str, closing_on: dt.date, *,
                        successor: str, kept_at: str, counts: Mapping[str, int],
                        day: dt.date) -> Document:
    """The declaration to the departmental council of where the records are kept."""
    lines = "".join(f"• {label} : {number}<br/>" for label, number in counts.items())
    body = [text(f"À l'attention du conseil départemental de l'Ordre des médecins — "
                 f"{council}", HEADING),
            text(f"{undersigned(letterhead.sex, letterhead.physician, f'RPPS {letterhead.rpps}')} "
                 f"déclare cesser mon activité le {long_date(closing_on)}."),
            Spacer(1, 2 * mm),
            text("Devenir des dossiers médicaux de ma patientèle :"), text(lines),
            text(f"Successeur : {successor or 'aucun'}."),
            text(f"Les dossiers qui n'ont pas été transmis sont conservés, chiffrés, à "
                 f"l'adresse suivante : {kept_at}."),
            Spacer(1, 3 * mm), text(f"Fait le {long_date(day)}.")]
    return Document("Déclaration de cessation d'activité", letterhead, "", body)
