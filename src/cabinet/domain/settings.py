"""The practice's settings, each declared once with its kind, default, French label and text.

Settings hold no patient data: the physician's identity for letterheads, the inactivity
delay, where exports go. The vault keeps them as text and journals their changes; a setting's
kind checks what is typed (in French) and reads the stored text back as a typed value,
tolerantly, so that whatever an earlier version stored still reads.
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePath
from typing import Generic, TypeVar

from cabinet.domain.backup_destinations import cloud_refusal, destination_folders
from cabinet.domain.rpps import is_valid_rpps
from cabinet.domain.text import has_forbidden_control

T = TypeVar("T")
MAX_LENGTH = 500


class SettingError(ValueError):
    """A setting's value is refused; the French message names the setting."""


class Kind(Enum):
    """What a setting holds: how its text is checked, read, and edited in the dialog."""

    TEXT = "text"
    INTEGER = "integer"
    CHOICE = "choice"
    FOLDER = "folder"
    FOLDERS = "folders"  # several, separated by « ; »
    RPPS = "rpps"
    URL = "url"
    TRAY = "tray"


@dataclass(frozen=True, kw_only=True)
class Setting(ABC, Generic[T]):
    """One setting: what the physician reads about it, and its value's rules."""

    key: str
    label: str
    description: str
    group: str
    kind: Kind
    default: T

    def check(self, text: str) -> str:
        """The text to store, or `SettingError` naming the setting in French."""
        value = text.strip()
        complaint = ("caractères non admis ou texte trop long."
                     if has_forbidden_control(value) or len(value) > MAX_LENGTH
                     else self.complaint(value))
        if complaint is not None:
            raise SettingError(f"{self.label} : {complaint}")
        return value

    def shown(self, stored: str | None) -> str:
        """The text the settings dialog shows for what the vault holds."""
        return str(self.read(stored))

    @abstractmethod
    def complaint(self, value: str) -> str | None:
        """Why the stripped `value` is refused (French), or None."""

    @abstractmethod
    def read(self, stored: str | None) -> T:
        """The value of the stored text (None: never chosen); the default when unusable."""


def _folder(value: str) -> str | None:
    return None if PurePath(value).is_absolute() else (
        "un dossier désigné depuis la racine du disque (le bouton « Choisir… » le fait).")


def _folders(value: str) -> str | None:
    folders = destination_folders(value)
    return next((why for folder in folders
                 if (why := _folder(str(folder)) or cloud_refusal(folder))), None)


def _rpps(value: str) -> str | None:
    return None if is_valid_rpps(value) else (
        "11 chiffres dont le dernier est la clé de contrôle ; ce numéro n'en est pas un, "
        "vérifiez-le sur votre carte CPS.")


TRAY_NAME = re.compile(r"[A-Za-z0-9_.+-]{1,40}")
"""A tray as printers' PPD files name it (`InputSlot`): Tray1, Manual, Upper…"""


def _tray(value: str) -> str | None:
    return None if TRAY_NAME.fullmatch(value) else (
        "le nom du bac tel que l'imprimante le désigne (Tray1, Manual, Upper…), sans espace.")


def _url(value: str) -> str | None:
    return None if re.fullmatch(r"https?://[^\s]+", value) else (
        "une adresse commençant par https://.")


TEXT_RULES: dict[Kind, Callable[[str], str | None]] = {
    Kind.TEXT: lambda _: None, Kind.FOLDER: _folder, Kind.FOLDERS: _folders,
    Kind.RPPS: _rpps, Kind.URL: _url, Kind.TRAY: _tray}


@dataclass(frozen=True, kw_only=True)
class TextSetting(Setting[str]):
    """Text, a folder, an RPPS number or a web address; empty means not given."""

    kind: Kind = Kind.TEXT
    default: str = ""

    def __post_init__(self) -> None:
        if self.kind not in TEXT_RULES:
            raise ValueError(f"{self.key}: {self.kind} is not a kind of text")

    def complaint(self, value: str) -> str | None:
        """Only a given value has a shape to respect."""
        return TEXT_RULES[self.kind](value) if value else None

    def read(self, stored: str | None) -> str:
        """The stored text as it is (a stored value the rules now refuse stays visible)."""
        return self.default if stored is None else stored.strip()


@dataclass(frozen=True, kw_only=True)
class ChoiceSetting(Setting[str]):
    """One of a list, offered by French labels; the vault keeps the choice's key."""

    choices: tuple[tuple[str, str], ...]  # (key, French label)
    kind: Kind = field(default=Kind.CHOICE, init=False)
    default: str = ""

    def complaint(self, value: str) -> str | None:
        """Only a key of the list."""
        return None if value in dict(self.choices) else "choisissez une valeur de la liste."

    def read(self, stored: str | None) -> str:
        """The stored key, the default for one the list no longer has."""
        value = (stored or "").strip()
        return value if stored is not None and value in dict(self.choices) else self.default


@dataclass(frozen=True, kw_only=True)
class IntegerSetting(Setting[int]):
    """A whole number between two bounds."""

    minimum: int
    maximum: int
    below_minimum: str = ""  # why the minimum is what it is (a legal duration), said in French
    kind: Kind = field(default=Kind.INTEGER, init=False)

    def complaint(self, value: str) -> str | None:
        """Plain digits within the bounds (not '²', a digit to Python but no number)."""
        number = value.isascii() and value.isdigit()
        if number and self.minimum <= int(value) <= self.maximum:
            return None
        if number and int(value) < self.minimum and self.below_minimum:
            return self.below_minimum
        return f"un nombre entier de {self.minimum} à {self.maximum}."

    def read(self, stored: str | None) -> int:
        """A stored number outside the bounds is brought to the nearest one."""
        value = (stored or "").strip()
        if not (value.isascii() and value.isdigit()):
            return self.default
        return min(max(int(value), self.minimum), self.maximum)


IDENTITY, SECURITY, EXPORTS, SIGNATURE, AGENDA, RETENTION, PRINTING = (
    "Identité du médecin", "Sécurité", "Exports et sauvegardes", "Signature", "Agenda",
    "Conservation des dossiers", "Impression")

PHYSICIAN_NAME = TextSetting(
    key="physician_name", label="Nom du médecin", group=IDENTITY,
    description="Tel qu'il figure sur les en-têtes.")
SPECIALTY = TextSetting(
    key="specialty", label="Spécialité", default="Médecine générale", group=IDENTITY,
    description="Qualification ordinale.")
RPPS = TextSetting(
    key="rpps", label="Numéro RPPS", kind=Kind.RPPS, group=IDENTITY,
    description="11 chiffres, imprimé sur les ordonnances.")
PHYSICIAN_SEX = ChoiceSetting(
    key="physician_sex", label="Civilité du médecin", group=IDENTITY,
    description="Accorde les formules signées (« Je soussignée » ou « Je soussigné »).",
    choices=(("", "non précisée : « Dr … certifie »"), ("F", "Madame : « Je soussignée »"),
             ("M", "Monsieur : « Je soussigné »")))
ADDRESS = TextSetting(
    key="address", label="Adresse du cabinet", group=IDENTITY,
    description="Adresse imprimée sur les en-têtes.")
PHONE = TextSetting(
    key="phone", label="Téléphone du cabinet", group=IDENTITY,
    description="Numéro imprimé sur les en-têtes.")
INACTIVITY_MINUTES = IntegerSetting(
    key="inactivity_minutes", label="Verrouillage après inactivité (minutes)", default=10,
    minimum=1, maximum=60, group=SECURITY,
    description="Sans clavier ni souris pendant ce délai, Cabinet se verrouille (1 à 60).")
EXPORT_FOLDER = TextSetting(
    key="export_folder", label="Dossier des exports", kind=Kind.FOLDER, group=EXPORTS,
    description="Où sont proposés les copies de dossier et les exports (vide : à chaque fois).")
TSA_URL = TextSetting(
    key="tsa_url", label="Autorité d'horodatage (adresse)", kind=Kind.URL, group=SIGNATURE,
    description="Adresse RFC 3161 d'une autorité d'horodatage ; vide : aucune connexion, les "
                "documents portent l'heure du poste.")
CARD_MODULE = ChoiceSetting(
    key="card_module", label="Logiciel de la carte", group=SIGNATURE,
    description="Le logiciel (module PKCS#11) interrogé en premier pour signer, enregistrer "
                "une carte ou ouvrir une archive ; s'il ne reconnaît pas la carte, les autres "
                "installés le sont ensuite. Pour ouvrir le coffre, celui qui a lu la carte à "
                "son enregistrement est interrogé en premier.",
    choices=(("", "automatique : celui qui reconnaît la carte"),
             ("cryptolib", "Cryptolib CPS (cartes CPS de l'ANS)"),
             ("opensc", "OpenSC (cartes PIV, OpenPGP…)")))
TRUST_FOLDER = TextSetting(
    key="trust_folder", label="Dossier des autorités de confiance", kind=Kind.FOLDER,
    group=SIGNATURE,
    description="Certificats racines reconnus, en plus des autorités IGC-Santé fournies avec "
                "Cabinet, à la vérification des documents signés et des archives.")
BACKUP_FOLDER = TextSetting(
    key="backup_folder", label="Dossiers des sauvegardes", kind=Kind.FOLDERS, group=EXPORTS,
    description="Supports des sauvegardes chiffrées, faites au verrouillage, à la fermeture et "
                "chaque jour : disque externe, second disque, partage du cabinet ; plusieurs "
                "séparés par « ; ». Jamais un dossier synchronisé par un service en ligne "
                "(Dropbox, OneDrive…), qui n'est pas hébergeur de données de santé (HDS).")
RESULTS_FOLDER = TextSetting(
    key="results_folder", label="Dossier de réception des résultats", kind=Kind.FOLDER,
    group=EXPORTS,
    description="Où la messagerie sécurisée dépose les résultats des laboratoires (HPRIM, "
                "PDF) : Cabinet les range dans les dossiers à l'ouverture, toutes les cinq "
                "minutes et à la demande ; les fichiers illisibles vont dans « refusés ».")
HOLIDAY_ZONE = ChoiceSetting(
    key="holiday_zone", label="Jours fériés", group=AGENDA,
    description="Le département du cabinet : ses jours fériés propres (Alsace-Moselle, "
                "abolition de l'esclavage outre-mer) sont grisés dans l'agenda.",
    choices=(("", "France métropolitaine"), ("6AE", "Alsace (Bas-Rhin, Haut-Rhin)"),
             ("57", "Moselle"), ("971", "Guadeloupe"), ("972", "Martinique"),
             ("973", "Guyane"), ("974", "La Réunion"), ("976", "Mayotte"),
             ("BL", "Saint-Barthélemy"), ("MF", "Saint-Martin"),
             ("PM", "Saint-Pierre-et-Miquelon")))

RETENTION_ARCHIVE_YEARS = IntegerSetting(
    key="retention_archive_years", label="Archivage après la dernière consultation (ans)",
    default=5, minimum=1, maximum=19, group=RETENTION,
    description="Un dossier sans consultation depuis ce délai passe en archive intermédiaire : "
                "même chiffrement, lecture seule, rouvert par une nouvelle consultation "
                "(1 à 19 ans ; 5 ans selon le référentiel de la CNIL).")
RETENTION_DESTROY_YEARS = IntegerSetting(
    key="retention_destroy_years", label="Destruction proposée après la dernière consultation "
    "(ans)", default=20, minimum=20, maximum=100, group=RETENTION,
    below_minimum="la durée légale de conservation est d'au moins 20 ans après la dernière "
                  "consultation (article R. 1112-7 du code de la santé publique).",
    description="Aucune destruction n'est proposée avant ce délai (20 ans au moins).")
RETENTION_MINOR_AGE = IntegerSetting(
    key="retention_minor_age", label="Patient mineur : conservation jusqu'à l'âge de (ans)",
    default=28, minimum=28, maximum=100, group=RETENTION,
    below_minimum="le dossier d'un patient mineur est conservé au moins jusqu'à son 28e "
                  "anniversaire (article R. 1112-7 du code de la santé publique).",
    description="Le dossier d'un patient vu mineur est conservé au moins jusqu'à cet âge.")
RETENTION_DEATH_YEARS = IntegerSetting(
    key="retention_death_years", label="Patient décédé : conservation après le décès (ans)",
    default=10, minimum=10, maximum=100, group=RETENTION,
    below_minimum="le dossier d'un patient décédé est conservé au moins 10 ans après le décès "
                  "(article R. 1112-7 du code de la santé publique).",
    description="Le dossier d'un patient décédé est conservé au moins ce délai après le décès.")

DATA_PROTECTION = "Protection des données"
DPO_NAME = TextSetting(
    key="dpo_name", label="Délégué à la protection des données ou contact",
    group=DATA_PROTECTION,
    description="Qui répond aux patients sur leurs données : le délégué (DPO) si vous en avez "
                "désigné un, sinon vous-même (vide : le médecin). Figure sur l'affiche et les "
                "registres.")
DPO_CONTACT = TextSetting(
    key="dpo_contact", label="Coordonnées du délégué ou du contact", group=DATA_PROTECTION,
    description="Adresse postale ou électronique où les patients exercent leurs droits (vide : "
                "l'adresse du cabinet).")
PROCESSORS = TextSetting(
    key="processors", label="Sous-traitants", group=DATA_PROTECTION,
    description="Prestataires qui peuvent accéder aux données (maintenance informatique, "
                "hébergeur agréé HDS…), séparés par « ; ». Vide : aucun.")
PRINT_TRAY = TextSetting(
    key="print_tray", label="Bac d'impression", kind=Kind.TRAY, group=PRINTING,
    description="Le bac où l'imprimante prend le papier des ordonnances et certificats, sous "
                "le nom qu'elle lui donne (Tray1, Manual…) ; vide : son choix automatique.")

SETTINGS: tuple[Setting[str] | Setting[int], ...] = (
    PHYSICIAN_NAME, SPECIALTY, RPPS, PHYSICIAN_SEX, ADDRESS, PHONE, INACTIVITY_MINUTES,
    EXPORT_FOLDER, BACKUP_FOLDER, RESULTS_FOLDER, TSA_URL, CARD_MODULE, TRUST_FOLDER,
    HOLIDAY_ZONE,
    RETENTION_ARCHIVE_YEARS, RETENTION_DESTROY_YEARS, RETENTION_MINOR_AGE,
    RETENTION_DEATH_YEARS, PRINT_TRAY,
    DPO_NAME, DPO_CONTACT, PROCESSORS)
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}


def check_setting(key: str, value: str) -> str:
    """The text to store for `key`, or `SettingError` in French."""
    setting = SETTINGS_BY_KEY.get(key)
    if setting is None:
        raise SettingError("Ce paramètre n'existe pas.")
    return setting.check(value)


def signing_identity_missing(name: str, rpps: str) -> str | None:
    """Why no document may be signed by this prescriber (French), or None when it may.

    A signed document names its prescriber: the physician's name and a valid RPPS number.
    """
    missing = [what for value, what in ((name, "votre nom"), (rpps, "votre numéro RPPS"))
               if not value.strip()]
    if not missing and not is_valid_rpps(rpps.strip()):
        missing = ["un numéro RPPS valide (celui enregistré n'a pas sa clé de contrôle)"]
    if not missing:
        return None
    return ("Aucun document ne peut être signé sans l'identité du prescripteur : indiquez "
            f"{' et '.join(missing)} dans Fichier › Paramètres du cabinet (Identité du "
            "médecin).")
