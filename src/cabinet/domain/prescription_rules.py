"""What the prescribing and dispensing conditions of the drug base ask of the physician.

From the speciality's conditions (BDPM `CIS_CPD`), French notices for one line: what the
physician must do before printing. They never block: the physician decides, and a notice
says what the pharmacist will expect. Sources: code de la santé publique, R. 5132-3 and -5
(ordonnance, renouvellement), R. 5132-29 and -30 (stupéfiants: ordonnance sécurisée,
toutes lettres, 28 jours), R. 5121-77 to -96 (prescription restreinte).
"""

import re
from collections.abc import Mapping
from typing import Any

from cabinet.domain.drugs import Speciality
from cabinet.domain.prescribing import duration_days
from cabinet.domain.text import fold

NARCOTIC_DAYS = 28
YEAR_DAYS = 365
EFG_AGE = 6
_LIMIT = re.compile(r"prescription limitee a (\d+) (jour|semaine|mois)")
_LIMIT_DAYS = {"jour": 1, "semaine": 7, "mois": 30}

SECURE = ("Ordonnance sécurisée : imprimez-la sur papier sécurisé ; la dose, le nombre de prises "
          "et la quantité y sont écrits en toutes lettres ; la durée, le nom et l'adresse du "
          "patient sont obligatoires.")
NARCOTIC = ("Stupéfiant : non renouvelable ; chevauchement avec une ordonnance précédente "
            "interdit sauf mention expresse ; le pharmacien ne délivre que la durée prescrite.")
LIST_I = ("Liste I : non renouvelable, sauf si vous indiquez le nombre de renouvellements "
          "(« à renouveler N fois »).")
LIST_I_RENEWED = ("Liste I : renouvellement indiqué ; l'ensemble ne peut dépasser 12 mois de "
                  "traitement.")
LIST_II = "Liste II : renouvelable sauf mention contraire, dans la limite de 12 mois."
HOSPITAL_ONLY = ("Réservé à l'usage hospitalier : ce médicament ne peut pas être prescrit en "
                 "ville ; adressez le patient à l'hôpital.")
HOSPITAL = ("Prescription hospitalière : seul un médecin hospitalier peut le prescrire ; "
            "en ville, vous ne pouvez pas établir cette ordonnance.")
INITIAL_HOSPITAL = ("Prescription initiale hospitalière : vous pouvez seulement la renouveler, "
                    "à l'identique, sur présentation de l'ordonnance hospitalière initiale en "
                    "cours de validité, que le pharmacien demandera.")
INITIAL_SPECIALIST = ("Prescription initiale réservée à certains spécialistes : vous pouvez la "
                      "renouveler sur présentation de l'ordonnance initiale du spécialiste en "
                      "cours de validité.")
SPECIALIST = ("Prescription réservée aux {who} : si vous n'en êtes pas, vous ne pouvez pas "
              "la prescrire ; adressez le patient.")
RENEWAL_SPECIALIST = ("Renouvellement réservé aux {who} : si vous n'en êtes pas, vous ne "
                      "pouvez pas renouveler ce traitement.")
EXCEPTION = ("Médicament d'exception : prescrivez-le sur l'ordonnance de médicament "
             "d'exception (cerfa n° 12708), dans les indications de sa fiche d'information "
             "thérapeutique.")
MONITORING = ("Surveillance particulière pendant le traitement : prévoyez les examens que le "
              "résumé des caractéristiques du produit demande.")
FRACTIONED = "Délivrance fractionnée ({what}) : le pharmacien délivre par fractions."


def _limit_days(conditions: list[str]) -> int | None:
    """The shortest duration the conditions allow (« 7 jours ou 28 jours » allows 28)."""
    limits = []
    for condition in conditions:
        found = [int(n) * _LIMIT_DAYS[unit] for n, unit in _LIMIT.findall(condition)]
        found += [int(n) for n in re.findall(r" ou (\d+) jours", condition)]
        if found:
            limits.append(max(found))
    return min(limits) if limits else None


def _restrictions(conditions: list[str], originals: list[str]) -> list[str]:
    found = []
    for folded, original in zip(conditions, originals, strict=True):
        who = original.split("aux ", 1)[-1].strip(" :")
        if folded.startswith("reserve a l'usage hospitalier"):
            found.append(HOSPITAL_ONLY)
        elif folded == "prescription hospitaliere":
            found.append(HOSPITAL)
        elif folded.startswith("prescription initiale hospitaliere"):
            found.append(INITIAL_HOSPITAL)
        elif folded.startswith("prescription initiale") and "specialiste" in folded:
            found.append(INITIAL_SPECIALIST)
        elif folded.startswith("prescription reservee aux"):
            found.append(SPECIALIST.format(who=who))
        elif folded.startswith("renouvellement de la prescription reserve"):
            found.append(RENEWAL_SPECIALIST.format(who=who))
        elif "medicament d'exception" in folded:
            found.append(EXCEPTION)
        elif folded.startswith("medicament necessitant une surveillance particuliere"):
            found.append(MONITORING)
        elif folded.startswith("delivrance fractionnee"):
            found.append(FRACTIONED.format(what=original.split("de ", 1)[-1]))
    return found


def notices(speciality: Speciality, line: Mapping[str, Any], *,
            age_years: int | None = None) -> list[str]:
    """The French notices for one structured line of `speciality`, most binding first.

    `line` is a line as `check_line` returns it; `age_years` the patient's age when known
    (« non substituable (EFG) » is for a child under six).
    """
    originals = list(speciality.conditions)
    conditions = [fold(c).strip() for c in originals]
    days = duration_days(line["posology"]) or 0
    renewals = int(line.get("renewals", 0))
    narcotic = any(c.startswith("stupefiant") for c in conditions)
    found = [SECURE] if narcotic or any("ordonnance securisee" in c for c in conditions) else []
    limit = _limit_days(conditions) or (NARCOTIC_DAYS if narcotic else None)
    if narcotic:
        found.append(NARCOTIC)
        if renewals:
            found.append("Un stupéfiant ne se renouvelle pas : retirez le renouvellement et "
                         "établissez une nouvelle ordonnance le moment venu.")
    if limit is not None and days > limit:
        found.append(f"Durée de {days} jours au-delà de la limite de {limit} jours de ce "
                     "médicament : réduisez la durée.")
    if "liste i" in conditions:
        found.append(LIST_I_RENEWED if renewals else LIST_I)
    elif "liste ii" in conditions:
        found.append(LIST_II)
    found += _restrictions(conditions, originals)
    if days * (renewals + 1) > YEAR_DAYS:
        found.append("Durée totale supérieure à 12 mois (renouvellements compris) : une "
                     "ordonnance ne vaut que 12 mois ; réduisez la durée ou les "
                     "renouvellements.")
    if line.get("non_substitutable") == "EFG" and age_years is not None \
            and age_years >= EFG_AGE:
        found.append("« Non substituable (EFG) » ne vaut que pour un enfant de moins de 6 ans "
                     "quand aucun générique n'a de forme adaptée.")
    return found
