"""Patient identity rules (REC-1): NIR with its key, INS fields, French dates.

The NIR ("numéro de sécurité sociale") is 13 characters plus a 2-digit key equal to
97 - (number mod 97), where Corsica's 2A and 2B count as 19 and 18. The INS (identifiant
national de santé) is the NIR or NIA with an OID and an identity status following the
RNIV (référentiel national d'identitovigilance).
"""

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

from cabinet.domain.text import has_forbidden_control, has_invisible_format

_NIR_RE = re.compile(r"^[1-478]\d{4}(\d{2}|2A|2B)\d{6}\d{2}$")
_BIRTH_PLACE_RE = re.compile(r"^(\d{5}|2A\d{3}|2B\d{3})$")
_FRENCH_DATE_RE = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
_MAX_NAME_LENGTH = 100


class Sex(StrEnum):
    """Administrative sex as the INS knows it."""

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "I"


class IdentityStatus(StrEnum):
    """RNIV identity statuses, from the weakest to the strongest."""

    PROVISIONAL = "provisoire"
    RETRIEVED = "recuperee"
    VALIDATED = "validee"
    QUALIFIED = "qualifiee"


INS_OIDS = {
    "1.2.250.1.213.1.4.8": "NIR",
    "1.2.250.1.213.1.4.9": "NIA",
    "1.2.250.1.213.1.4.10": "NIR de test",
    "1.2.250.1.213.1.4.11": "NIA de test",
}


class IdentityError(ValueError):
    """An identity field is invalid; the message is French and names the field, not its value."""


def normalize_nir(raw: str) -> str:
    """Remove spaces and dots a physician may type inside a NIR, upper-case 2a/2b."""
    return re.sub(r"[\s.]", "", raw).upper()


def nir_key(nir13: str) -> int:
    """Compute the 2-digit key of a 13-character NIR."""
    numeric = nir13.replace("2A", "19").replace("2B", "18")
    return 97 - int(numeric) % 97


def check_nir(raw: str) -> str:
    """Return the normalised 15-character NIR, or raise `IdentityError` in French."""
    nir = normalize_nir(raw)
    if len(nir) != 15:
        raise IdentityError("Le NIR doit comporter 13 caractères suivis d'une clé de 2 chiffres.")
    if not _NIR_RE.match(nir):
        raise IdentityError("Le NIR n'a pas la forme attendue (sexe, année, mois, lieu, ordre).")
    if nir_key(nir[:13]) != int(nir[13:]):
        raise IdentityError("La clé du NIR ne correspond pas au numéro : vérifiez la saisie.")
    return nir


def parse_french_date(text: str) -> dt.date | None:
    """Parse a date typed the French way (12/03/1961, 12.03.1961); None if not such a date."""
    match = _FRENCH_DATE_RE.match(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def format_french_date(date: dt.date) -> str:
    """Format a date as a French physician writes it (12/03/1961)."""
    return date.strftime("%d/%m/%Y")


def age_on(birth_date: dt.date, today: dt.date) -> int:
    """Age in whole years on `today`."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


@dataclass(frozen=True)
class Identity:
    """One version of a patient's administrative identity (REC-1)."""

    birth_name: str
    first_names: str
    sex: Sex
    birth_date: dt.date
    used_name: str = ""
    birth_place_code: str = ""
    nir: str = ""
    ins_number: str = ""
    ins_oid: str = ""
    identity_status: IdentityStatus = IdentityStatus.PROVISIONAL
    address: str = ""
    postal_code: str = ""
    city: str = ""
    phones: tuple[str, ...] = ()
    email: str = ""
    insurer: str = ""
    death_date: dt.date | None = None

    def display_name(self) -> str:
        """Name as shown in lists: used name (or birth name) in capitals, then first names."""
        family = self.used_name or self.birth_name
        return f"{family.upper()} {self.first_names}"


def identity_to_dict(identity: Identity) -> dict[str, Any]:
    """Serialise an identity for storage and archives."""
    data = asdict(identity)
    data["birth_date"] = identity.birth_date.isoformat()
    data["phones"] = list(identity.phones)
    if identity.death_date is None:
        del data["death_date"]  # identities stored before the field read the same
    else:
        data["death_date"] = identity.death_date.isoformat()
    return data


def identity_from_dict(data: dict[str, Any]) -> Identity:
    """Rebuild an identity from storage or an archive."""
    values = dict(data)
    values["birth_date"] = dt.date.fromisoformat(values["birth_date"])
    values["sex"] = Sex(values["sex"])
    values["identity_status"] = IdentityStatus(values["identity_status"])
    values["phones"] = tuple(values.get("phones", ()))
    if values.get("death_date"):
        values["death_date"] = dt.date.fromisoformat(values["death_date"])
    return Identity(**values)


def validate_identity(identity: Identity, today: dt.date) -> Identity:
    """Check every identity rule; return the identity with its NIR normalised.

    Raises `IdentityError` with a French message naming the faulty field.
    """
    _refuse_invisible_characters(identity)
    _check_name(identity.birth_name, "Le nom de naissance")
    _check_name(identity.first_names, "Le ou les prénoms")
    if identity.used_name:
        _check_name(identity.used_name, "Le nom utilisé")
    if identity.birth_date > today:
        raise IdentityError("La date de naissance est dans le futur.")
    if identity.birth_date.year < 1880:
        raise IdentityError("La date de naissance est antérieure à 1880 : vérifiez la saisie.")
    if identity.death_date is not None:
        if identity.death_date > today:
            raise IdentityError("La date de décès est dans le futur.")
        if identity.death_date < identity.birth_date:
            raise IdentityError("La date de décès précède la date de naissance.")
    if identity.birth_place_code and not _BIRTH_PLACE_RE.match(identity.birth_place_code):
        raise IdentityError(
            "Le code du lieu de naissance doit être un code INSEE à 5 caractères "
            "(99xxx pour un pays étranger)."
        )
    nir = check_nir(identity.nir) if identity.nir else ""
    ins_number = check_nir(identity.ins_number) if identity.ins_number else ""
    if ins_number and identity.ins_oid not in INS_OIDS:
        raise IdentityError("L'OID de l'INS n'est pas un OID connu (NIR, NIA ou test).")
    if identity.identity_status is IdentityStatus.QUALIFIED and not ins_number:
        raise IdentityError("Une identité qualifiée exige un matricule INS.")
    for label, value in (
        ("L'adresse", identity.address),
        ("La ville", identity.city),
        ("Le courriel", identity.email),
        ("La caisse", identity.insurer),
        ("Le code postal", identity.postal_code),
        *(("Le téléphone", p) for p in identity.phones),
    ):
        if has_forbidden_control(value) or len(value) > 500:
            raise IdentityError(f"{label} contient des caractères non admis ou est trop long.")
    if identity.email and "@" not in identity.email:
        raise IdentityError("Le courriel n'a pas la forme nom@domaine.")
    return replace(identity, nir=nir, ins_number=ins_number)


def _refuse_invisible_characters(identity: Identity) -> None:
    """Refuse bidi controls and zero-width characters in every text field, by its label."""
    for label, value in (
        ("Le nom de naissance", identity.birth_name),
        ("Le ou les prénoms", identity.first_names),
        ("Le nom utilisé", identity.used_name),
        ("Le code du lieu de naissance", identity.birth_place_code),
        ("Le NIR", identity.nir),
        ("Le matricule INS", identity.ins_number),
        ("L'adresse", identity.address),
        ("Le code postal", identity.postal_code),
        ("La ville", identity.city),
        ("Le courriel", identity.email),
        ("La caisse", identity.insurer),
        *(("Le téléphone", p) for p in identity.phones),
    ):
        if has_invisible_format(value):
            raise IdentityError(
                f"{label} contient un caractère invisible (sens d'écriture ou espace sans "
                "largeur, souvent venu d'un copier-coller) : retapez ce champ au clavier.")


def _check_name(value: str, label: str) -> None:
    if not value.strip():
        raise IdentityError(f"{label} est obligatoire.")
    if len(value) > _MAX_NAME_LENGTH:
        raise IdentityError(f"{label} dépasse {_MAX_NAME_LENGTH} caractères.")
    if any(c.isdigit() or unicodedata.category(c) == "Cc" for c in value):
        raise IdentityError(f"{label} contient des caractères non admis.")
