"""The practice's settings, declared once: key, French label, type, default, description.

Settings hold no patient data: the physician's identity for letterheads, the inactivity
delay, where exports go. They live inside the vault and their changes are journaled.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from cabinet.domain.rpps import is_valid_rpps
from cabinet.domain.text import has_forbidden_control


class SettingError(ValueError):
    """A setting's value is refused; the French message names the setting."""


@dataclass(frozen=True)
class Setting:
    """One setting."""

    key: str
    label: str
    default: str
    description: str
    kind: str = "text"  # text, minutes, rpps, url, folder, choice
    group: str = "Cabinet"
    choices: tuple[tuple[str, str], ...] = ()  # (value, French label) of a choice


SETTINGS: tuple[Setting, ...] = (
    Setting("physician_name", "Nom du médecin", "", "Tel qu'il figure sur les en-têtes.",
            group="Identité du médecin"),
    Setting("specialty", "Spécialité", "Médecine générale", "Qualification ordinale.",
            group="Identité du médecin"),
    Setting("rpps", "Numéro RPPS", "", "11 chiffres, imprimé sur les ordonnances.",
            kind="rpps", group="Identité du médecin"),
    Setting("physician_sex", "Civilité du médecin", "",
            "Accorde les formules signées (« Je soussignée » ou « Je soussigné »).",
            kind="choice", group="Identité du médecin",
            choices=(("", "non précisée : « Dr … certifie »"),
                     ("F", "Madame : « Je soussignée »"), ("M", "Monsieur : « Je soussigné »"))),
    Setting("address", "Adresse du cabinet", "", "Adresse imprimée sur les en-têtes.",
            group="Identité du médecin"),
    Setting("phone", "Téléphone du cabinet", "", "Numéro imprimé sur les en-têtes.",
            group="Identité du médecin"),
    Setting("inactivity_minutes", "Verrouillage après inactivité (minutes)", "10",
            "Sans clavier ni souris pendant ce délai, Cabinet se verrouille (1 à 60).",
            kind="minutes", group="Sécurité"),
    Setting("export_folder", "Dossier des exports", "",
            "Où sont proposés les copies de dossier et les exports (vide : à chaque fois).",
            kind="folder", group="Exports et sauvegardes"),
    Setting("tsa_url", "Autorité d'horodatage (adresse)", "",
            "Adresse RFC 3161 d'une autorité d'horodatage ; vide : aucune connexion, les "
            "documents portent l'heure du poste.", kind="url", group="Signature"),
    Setting("card_module", "Logiciel de la carte", "",
            "Le logiciel (module PKCS#11) interrogé en premier pour signer, enregistrer une "
            "carte ou ouvrir une archive ; s'il ne reconnaît pas la carte, les autres "
            "installés le sont ensuite. Pour ouvrir le coffre, celui qui a lu la carte à son "
            "enregistrement est interrogé en premier.", kind="choice", group="Signature",
            choices=(("", "automatique : celui qui reconnaît la carte"),
                     ("cryptolib", "Cryptolib CPS (cartes CPS de l'ANS)"),
                     ("opensc", "OpenSC (cartes PIV, OpenPGP…)"))),
    Setting("trust_folder", "Dossier des autorités de confiance", "",
            "Certificats racines reconnus, en plus des autorités IGC-Santé fournies avec "
            "Cabinet, à la vérification des documents signés et des archives.",
            kind="folder", group="Signature"),
    Setting("backup_folder", "Dossier des sauvegardes", "",
            "Support des sauvegardes chiffrées (disque externe de préférence).",
            kind="folder", group="Exports et sauvegardes"),
)
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}
MAX_MINUTES = 60


def check_setting(key: str, value: str) -> str:
    """Return the value to store, or raise `SettingError` in French."""
    setting = SETTINGS_BY_KEY.get(key)
    if setting is None:
        raise SettingError("Ce paramètre n'existe pas.")
    value = value.strip()
    if has_forbidden_control(value) or len(value) > 500:
        raise SettingError(f"{setting.label} : caractères non admis ou texte trop long.")
    if setting.kind == "minutes" and not (value.isdigit() and 1 <= int(value) <= MAX_MINUTES):
        raise SettingError(f"{setting.label} : un nombre entier de 1 à {MAX_MINUTES}.")
    if setting.kind == "url" and value and not re.fullmatch(r"https?://[^\s]+", value):
        raise SettingError(f"{setting.label} : une adresse commençant par https://.")
    if setting.kind == "rpps" and value and not is_valid_rpps(value):
        raise SettingError(f"{setting.label} : 11 chiffres dont le dernier est la clé de "
                           "contrôle ; ce numéro n'en est pas un, vérifiez-le sur votre carte "
                           "CPS.")
    if setting.kind == "choice" and value not in dict(setting.choices):
        raise SettingError(f"{setting.label} : choisissez une valeur de la liste.")
    return value


def signing_identity_missing(values: Mapping[str, str]) -> str | None:
    """Why no document may be signed with these settings (French), or None when it may.

    A signed document names its prescriber: the physician's name and a valid RPPS number.
    """
    missing = [label for key, label in (("physician_name", "votre nom"),
                                        ("rpps", "votre numéro RPPS"))
               if not values.get(key, "").strip()]
    if not missing and not is_valid_rpps(values["rpps"]):
        missing = ["un numéro RPPS valide (celui enregistré n'a pas sa clé de contrôle)"]
    if not missing:
        return None
    return ("Aucun document ne peut être signé sans l'identité du prescripteur : indiquez "
            f"{' et '.join(missing)} dans Fichier › Paramètres du cabinet (Identité du "
            "médecin).")
