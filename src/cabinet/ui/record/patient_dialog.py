"""The identity form: create a patient or correct an identity (REC-1, REC-3)."""

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from cabinet.domain.identity import (
    INS_OIDS,
    Identity,
    IdentityStatus,
    Sex,
    format_french_date,
    parse_french_date,
)
from cabinet.errors import InvalidInput
from cabinet.ui.common.dialogs import ServiceDialog

SEXES = ((Sex.FEMALE, "Féminin"), (Sex.MALE, "Masculin"), (Sex.UNKNOWN, "Indéterminé"))
STATUSES = ((IdentityStatus.PROVISIONAL, "Identité provisoire"),
            (IdentityStatus.RETRIEVED, "Identité récupérée"),
            (IdentityStatus.VALIDATED, "Identité validée"),
            (IdentityStatus.QUALIFIED, "Identité qualifiée"))
TEXTS = (("birth_name", "Nom de &naissance"), ("used_name", "Nom &utilisé"),
         ("first_names", "&Prénom(s)"), ("birth_date", "Date de naissance (jj/mm/aaaa)"),
         ("birth_place_code", "Code INSEE du lieu de naissance"), ("nir", "NIR"),
         ("ins_number", "Matricule INS"), ("address", "Adresse"), ("postal_code", "Code postal"),
         ("city", "Ville"), ("phone", "Téléphone"), ("email", "Courriel"),
         ("insurer", "Caisse d'assurance maladie"),
         ("death_date", "Date de décès (jj/mm/aaaa, vide si vivant)"))


def _combo(items: tuple[tuple[str, str], ...] | list[tuple[str, str]], current: str) -> QComboBox:
    combo = QComboBox()
    for value, label in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


class PatientDialog(ServiceDialog):
    """Type an identity; `save_with(identity)` is called on Save."""

    def __init__(self, save_with: Callable[[Identity], object],
                 current: Identity | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Corriger l'identité" if current else "Nouveau patient", parent)
        form = QFormLayout()
        values = _values_of(current)
        self.fields: dict[str, QLineEdit] = {}
        for key, label in TEXTS:
            edit = QLineEdit(values.get(key, ""))
            edit.setAccessibleName(label.replace("&", ""))
            form.addRow(label, edit)
            self.fields[key] = edit
            if key == "first_names":
                self.sex = _combo([(s.value, t) for s, t in SEXES], values.get("sex", ""))
                form.addRow("&Sexe", self.sex)
        self.oid = _combo([("", "—")] + [(k, v) for k, v in INS_OIDS.items()],
                          values.get("ins_oid", ""))
        form.addRow("OID de l'INS", self.oid)
        self.status = _combo([(s.value, t) for s, t in STATUSES],
                             values.get("identity_status", ""))
        form.addRow("Statut de l'identité", self.status)
        self.body.addLayout(form)
        self.save = lambda: save_with(self.identity())
        self.fields["birth_name"].setFocus()

    def identity(self) -> Identity:
        """The identity typed; a malformed date is refused in French."""
        text = {key: edit.text().strip() for key, edit in self.fields.items()}
        birth = parse_french_date(text["birth_date"])
        if birth is None:
            raise InvalidInput("La date de naissance doit s'écrire jj/mm/aaaa (ex. 12/03/1961).")
        death = parse_french_date(text["death_date"]) if text["death_date"] else None
        if text["death_date"] and death is None:
            raise InvalidInput("La date de décès doit s'écrire jj/mm/aaaa (ex. 02/11/2026).")
        return Identity(
            birth_name=text["birth_name"], first_names=text["first_names"],
            sex=Sex(self.sex.currentData()), birth_date=birth, used_name=text["used_name"],
            birth_place_code=text["birth_place_code"].upper(), nir=text["nir"],
            ins_number=text["ins_number"], ins_oid=self.oid.currentData(),
            identity_status=IdentityStatus(self.status.currentData()),
            address=text["address"], postal_code=text["postal_code"], city=text["city"],
            phones=(text["phone"],) if text["phone"] else (), email=text["email"],
            insurer=text["insurer"], death_date=death)


def _values_of(identity: Identity | None) -> dict[str, str]:
    if identity is None:
        return {}
    return {"birth_name": identity.birth_name, "used_name": identity.used_name,
            "first_names": identity.first_names, "sex": identity.sex.value,
            "birth_date": format_french_date(identity.birth_date),
            "birth_place_code": identity.birth_place_code, "nir": identity.nir,
            "ins_number": identity.ins_number, "ins_oid": identity.ins_oid,
            "identity_status": identity.identity_status.value, "address": identity.address,
            "postal_code": identity.postal_code, "city": identity.city,
            "phone": identity.phones[0] if identity.phones else "", "email": identity.email,
            "insurer": identity.insurer,
            "death_date": format_french_date(identity.death_date) if identity.death_date else ""}
