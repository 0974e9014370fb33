"""The GDPR paperwork of a medical practice (RIGHTS-1, GDPR-1), written from its settings.

The waiting-room notice (articles 13 and 14 of the GDPR) and the record of processing
activities (article 30, after the CNIL's model for a medical practice) say the same facts:
who the controller is, what for, who receives the data, how long it is kept, the rights and
where to exercise them. Both are built here as titled sections of plain French text; the
documents layer lays them out as PDF/A or HTML.
"""

import datetime as dt
from dataclasses import dataclass

Section = tuple[str, list[str]]
CNIL = ("Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, "
        "TSA 80715, 75334 Paris Cedex 07 — www.cnil.fr (plainte en ligne : "
        "www.cnil.fr/fr/plaintes)")
INFORMATION_MEANS = {
    "waiting_room": "affichage en salle d'attente",
    "in_hand": "remise en main propre",
    "oral": "orale",
}


@dataclass(frozen=True)
class InformationGiven:
    """When and how a patient was informed of the processing of their data (RIGHTS-1)."""

    patient_id: int
    given_on: str
    means: str
    recorded_at: str
    recorded_by: str


@dataclass(frozen=True)
class PracticeFacts:
    """What the settings say of the practice, as the paperwork needs it."""

    physician: str
    specialty: str
    address: str
    phone: str
    dpo_name: str
    dpo_contact: str
    processors: str
    archive_years: int
    destroy_years: int
    minor_age: int
    death_years: int

    def contact(self) -> str:
        """Who answers the patients on their data, and where."""
        who = self.dpo_name or self.physician
        where = self.dpo_contact or self.address
        return f"{who} — {where}" if where else who

    def recipients(self) -> list[str]:
        """Who may receive the data, the processors named in the settings included."""
        named = [p.strip() for p in self.processors.split(";") if p.strip()]
        return ["les professionnels de santé qui prennent en charge le patient, avec son "
                "accord ou sauf opposition de sa part (médecin remplaçant, spécialistes, "
                "laboratoires, établissements de santé)",
                "la caisse d'assurance maladie et la complémentaire santé du patient, pour le "
                "remboursement des soins (feuilles de soins électroniques)",
                "les autorités lorsque la loi l'impose (déclarations obligatoires, "
                "réquisition judiciaire)",
                *(f"{p}, sous-traitant tenu au secret" for p in named)]

    def durations(self) -> list[str]:
        """How long each kind of data is kept, from the retention settings."""
        return [f"dossier médical : {self.destroy_years} ans après la dernière consultation "
                f"(archivé, en lecture seule, après {self.archive_years} ans sans "
                "consultation) ; pour un patient mineur, au moins jusqu'à ses "
                f"{self.minor_age} ans ; pour un patient décédé, {self.death_years} ans "
                "après le décès",
                "données de facturation et livre des recettes : 10 ans (obligations "
                "comptables et fiscales)",
                "journal des accès au dossier : conservé avec le coffre, sans limite, pour "
                "prouver qui a consulté quoi",
                "rendez-vous : 5 ans"]


RIGHTS = ["d'accès à {vos} données et d'en obtenir une copie (article L. 1111-7 du code de la "
          "santé publique) ;",
          "de rectification des données inexactes ;",
          "d'effacement, dans les limites des obligations de conservation du dossier médical, "
          "sur demande écrite et décision conjointe avec le médecin ;",
          "de limitation et de portabilité de {vos} données ;",
          "d'opposition au partage de {vos} données avec d'autres professionnels et à leur "
          "consultation par le médecin remplaçant ;",
          "de définir des directives sur le sort de {vos} données après {votre} décès."]


def rights(*, to_patient: bool) -> list[str]:
    """The rights, said to the patient (« vos ») or of the people concerned (« leurs »)."""
    words = {"vos": "vos", "votre": "votre"} if to_patient else {"vos": "leurs",
                                                                 "votre": "leur"}
    return [f"• {right.format(**words)}" for right in RIGHTS]


def _bullets(lines: list[str]) -> list[str]:
    """Items of a list as the notice shows them: a bullet, a capital."""
    return [f"• {line[0].upper()}{line[1:]}" for line in lines]


def waiting_room_notice(facts: PracticeFacts) -> list[Section]:
    """The notice shown in the waiting room: everything article 13 asks, in plain words."""
    return [
        ("Qui traite vos données", [
            f"{facts.physician}, {facts.specialty.lower()}, {facts.address}, responsable du "
            "traitement de vos données personnelles de santé.",
            f"Délégué à la protection des données ou contact : {facts.contact()}."]),
        ("Pourquoi", [
            "Tenir votre dossier médical et assurer votre prise en charge (diagnostic, "
            "soins, prescriptions, suivi) ; communiquer avec les autres professionnels qui "
            "vous soignent ; facturer les actes et les télétransmettre à l'assurance "
            "maladie ; gérer les rendez-vous.",
            "Base légale : la prise en charge médicale (article 9.2.h du RGPD) et les "
            "obligations légales du médecin (tenue du dossier, comptabilité)."]),
        ("Qui les reçoit", _bullets(facts.recipients())),
        ("Combien de temps", _bullets(facts.durations())),
        ("Vos droits", ["Vous disposez des droits suivants :", *rights(to_patient=True),
                        f"Pour les exercer, adressez-vous à : {facts.contact()}. Une pièce "
                        "d'identité peut vous être demandée. Réponse sous un mois (8 jours "
                        "pour une copie du dossier de moins de 5 ans, 2 mois au-delà)."]),
        ("Vous opposer", [
            "Vous pouvez vous opposer, à tout moment et sans justification, au partage de "
            "votre dossier avec d'autres professionnels et à sa consultation par le médecin "
            "remplaçant : dites-le au médecin, qui l'enregistre dans votre dossier."]),
        ("Réclamation", [f"Si vous estimez que vos droits ne sont pas respectés, vous pouvez "
                         f"saisir la {CNIL}."]),
        ("Sécurité", ["Votre dossier est chiffré sur le poste du cabinet, ouvert par la carte "
                      "CPS du médecin ; chaque accès est enregistré. Aucune donnée n'est "
                      "transférée hors de l'Union européenne."]),
    ]


def _activity(name: str, facts: tuple[str, str, str, str], recipients: list[str],
              duration: str) -> Section:
    """One activity: (purpose, legal basis, people, data), recipients and duration."""
    purpose, basis, people, data = facts
    return (name, [f"Finalité : {purpose}", f"Base légale : {basis}",
                   f"Personnes concernées : {people}", f"Catégories de données : {data}",
                   "Destinataires : " + " ; ".join(recipients),
                   "Transferts hors de l'Union européenne : aucun.",
                   f"Durée de conservation : {duration}"])


def processing_register(facts: PracticeFacts, today: dt.date) -> list[Section]:
    """The record of processing activities (article 30), after the CNIL's practice model."""
    durations = facts.durations()
    recipients = facts.recipients()
    return [
        ("Responsable du traitement", [
            f"{facts.physician}, {facts.specialty}, {facts.address}"
            + (f", tél. {facts.phone}" if facts.phone else ""),
            f"Délégué à la protection des données ou contact : {facts.contact()}",
            f"Registre établi le {today:%d/%m/%Y}, à tenir à jour à chaque changement."]),
        _activity("1. Dossier médical et suivi des patients", (
                  "prise en charge médicale, tenue du dossier, prescriptions, échanges avec "
                  "les professionnels de santé.",
                  "article 9.2.h du RGPD ; obligation de tenue du dossier (article R. 4127-45 "
                  "du code de la santé publique).",
                  "patients ; leurs proches (personne de confiance, ayants droit).",
                  "identité, NIR, coordonnées ; données de santé (antécédents, allergies, "
                  "traitements, consultations, résultats, documents) ; notes personnelles."),
                  [recipients[0], *recipients[2:]], durations[0] + "."),
        _activity("2. Facturation et comptabilité", (
                  "facturation des actes, télétransmission, tiers payant, livre des recettes.",
                  "obligation légale (article 6.1.c du RGPD) ; code de la sécurité sociale.",
                  "patients ; organismes payeurs.",
                  "identité, NIR, organisme d'assurance ; actes, montants, modes de paiement."),
                  [recipients[1], "l'expert-comptable (montants et dates, jamais les actes)"],
                  durations[1] + "."),
        _activity("3. Rendez-vous", (
                  "gestion de l'agenda et de la salle d'attente.",
                  "intérêt légitime du cabinet et prise en charge (articles 6.1.f et 9.2.h).",
                  "patients.", "identité, téléphone, motif succinct, date et heure."),
                  ["le médecin et le médecin remplaçant"], durations[3] + "."),
        ("Mesures de sécurité", [
            "Coffre chiffré (SQLCipher, AES-256) sur le poste du cabinet, ouvert par la carte "
            "CPS et son code ; verrouillage après inactivité ; journal des accès chaîné et "
            "vérifiable ; sauvegardes chiffrées et vérifiées par restauration ; documents "
            "signés (PAdES) ; effacement sur demande avec destruction des pages du coffre.",
            f"Journal : {durations[2]}."]),
        ("Droits des personnes", ["Les personnes concernées disposent des droits :",
                                  *rights(to_patient=False), "Exercice des droits auprès de : "
                                  f"{facts.contact()}."]),
    ]
