"""French words that agree with the person: « née »/« né », « l'intéressée »/« l'intéressé ».

Printed documents never write « né(e) » or « soussigné(e) »: the patient's recorded sex,
and the physician's own setting, decide. When the sex is unknown the sentence is turned so
that nothing needs agreeing.
"""

import datetime as dt

from cabinet.domain.identity import Sex, age_on

FEMALE, MALE = Sex.FEMALE.value, Sex.MALE.value


def born_on(sex: str, birth_date: dt.date) -> str:
    """'née le 12/03/1961', 'né le …', or 'date de naissance : …' when the sex is unknown."""
    day = f"{birth_date:%d/%m/%Y}"
    return {FEMALE: f"née le {day}", MALE: f"né le {day}"}.get(sex, f"date de naissance : {day}")


def civility(sex: str) -> str:
    """'Madame', 'Monsieur', or 'Madame, Monsieur' when the sex is unknown (a greeting)."""
    return {FEMALE: "Madame", MALE: "Monsieur"}.get(sex, "Madame, Monsieur")


def the_person(sex: str) -> str:
    """'l'intéressée', 'l'intéressé', or 'la personne intéressée' when the sex is unknown."""
    return {FEMALE: "l'intéressée", MALE: "l'intéressé"}.get(sex, "la personne intéressée")


def undersigned(physician_sex: str, physician: str, details: str = "") -> str:
    """The subject of a physician's attestation, up to its verb (« certifie », « déclare »).

    'Je soussignée, Dr X, RPPS …,' / 'Je soussigné, …,'; without the civility setting, the
    physician in the third person ('Dr X', 'Dr X, RPPS …,'), which the same verb follows.
    """
    designation = f"{physician}, {details}" if details else physician
    word = {FEMALE: "soussignée", MALE: "soussigné"}.get(physician_sex)
    if word is not None:
        return f"Je {word}, {designation},"
    return f"{designation}," if details else designation


NEWBORN_DAYS = 28  # the neonatal period
INFANT_YEARS, CHILD_YEARS, ADULT_YEARS = 2, 12, 18  # nourrisson, enfant, adolescent, adulte
LIFE_STAGES = {  # (newborn, infant, child, adolescent, adult) by recorded sex
    FEMALE: ("nouveau-née", "nourrisson (fille)", "fille", "adolescente", "femme"),
    MALE: ("nouveau-né", "nourrisson (garçon)", "garçon", "adolescent", "homme"),
}
UNKNOWN_SEX_STAGES = tuple(f"{word} (sexe indéterminé)" for word in (
    "nouveau-né", "nourrisson", "enfant", "enfant", "adulte"))


def life_stage(sex: str, birth_date: dt.date, today: dt.date) -> str:
    """How a physician names the patient at this age: 'nourrisson (garçon)', 'femme'.

    Bands: newborn under 28 days, infant under 2 years, child under 12, adolescent under 18.
    """
    years = age_on(birth_date, today)
    band = 4 if years >= ADULT_YEARS else 3 if years >= CHILD_YEARS else (
        2 if years >= INFANT_YEARS else 1 if (today - birth_date).days >= NEWBORN_DAYS else 0)
    return LIFE_STAGES.get(sex, UNKNOWN_SEX_STAGES)[band]
