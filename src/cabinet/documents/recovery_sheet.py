"""The recovery sheet (AUTH-6, CONT-4): the recovery key on paper, for a sealed envelope.

Printed when the vault is created and whenever the key is renewed, then deposited with the
departmental council of the Order. It says what the key opens and how to use it; the key is
never stored in clear anywhere, so this sheet is its only copy.
"""

import datetime as dt

from reportlab.platypus import Flowable, Spacer

from cabinet.documents.issue import unsigned
from cabinet.documents.layout import BODY, HEADING, Document, Letterhead, style, text
from cabinet.documents.typography import long_date

KEY = style("key", 17, bold=True, leading=26, alignment=1, spaceBefore=6, spaceAfter=6)


def recovery_sheet(letterhead: Letterhead, vault_id: str, recovery_key: str,
                   day: dt.date) -> bytes:
    """The sheet as a PDF/A, ready to print."""
    groups = recovery_key.split("-")
    lines = ["  ".join(groups[:5]), "  ".join(groups[5:])]
    body: list[Flowable] = [
        text(f"Coffre n° {vault_id}, clé établie le {long_date(day)}."),
        Spacer(1, 4),
        *(text(line, KEY) for line in lines),
        text("Ce qu'elle ouvre", HEADING),
        text("Cette clé ouvre, sans carte CPS ni mot de passe, le coffre chiffré qui contient "
             "les dossiers médicaux du cabinet. Elle ne sert qu'en cas exceptionnel : carte "
             "perdue ou bloquée et mot de passe oublié, ou décès ou incapacité du médecin "
             "(accès par le conseil de l'Ordre ou par le successeur)."),
        text("Comment l'utiliser", HEADING),
        text("Sur l'écran de verrouillage de Cabinet, choisir « Clé de secours » et saisir les "
             "dix groupes de quatre caractères ; les tirets, les espaces et les majuscules "
             "n'ont pas d'importance. Les deux derniers caractères portent une somme de "
             "contrôle : une faute de frappe est signalée comme telle."),
        text("Chaque utilisation est inscrite au journal des accès, avec le nom et la qualité "
             "de la personne qui l'utilise. Cabinet remplace alors cette clé par une nouvelle, "
             "à imprimer et à déposer de la même façon, et demande d'enregistrer une nouvelle "
             "carte ou un nouveau mot de passe."),
        text("Où la conserver", HEADING),
        text("Sous pli scellé, déposé auprès du conseil départemental de l'Ordre des médecins. "
             "Jamais à côté de l'ordinateur, jamais en photo ni dans un courriel. Détruire ce "
             "document s'il a été enregistré sur un disque, une fois imprimé.", BODY),
    ]
    document = Document("Clé de secours du coffre Cabinet", letterhead,
                        f"Coffre n° {vault_id} — document confidentiel", body)
    return unsigned(document)
