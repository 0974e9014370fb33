"""What the public drug database (BDPM, ANSM) says of a medicine, as prescribing needs it.

These are the shapes the drug base (`cabinet.drugs`) reads its files into and the prescribing
rules (`cabinet.domain.prescribing`) work on. Public data: nothing here concerns a patient.
Cabinet is not an HAS-certified prescribing aid: the base has no interactions, no structured
dosing and no contraindications, and the window says so where prescribing is shown.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

NOT_CERTIFIED = ("Base des médicaments de l'ANSM : recherche, DCI, conditions de prescription. "
                 "Cabinet n'est pas un logiciel d'aide à la prescription certifié par la HAS : "
                 "ni interactions, ni contre-indications, ni posologies vérifiées.")


class Nature(StrEnum):
    """How a substance is stated in a composition (BDPM `CIS_COMPO` column 7)."""

    ACTIVE = "SA"  # substance active
    FRACTION = "FT"  # fraction thérapeutique: the active moiety the dosage is expressed in


@dataclass(frozen=True)
class Component:
    """One substance of a speciality's composition: its DCI and its dosage."""

    element: str  # the pharmaceutical element ("comprimé")
    substance_code: str
    substance: str  # the DCI, as the ANSM writes it (upper case)
    dosage: str  # "500 mg", may be empty
    reference: str  # "un comprimé"
    nature: Nature
    link: int  # an SA and its FT share this number


@dataclass(frozen=True)
class Presentation:
    """A box the pharmacist hands over: its codes, its content, its price and reimbursement."""

    cip7: str
    cip13: str
    label: str  # "plaquette(s) PVC aluminium de 30 comprimé(s)"
    marketed: bool
    reimbursement: str  # "65%", "" when not reimbursed
    price: Decimal | None
    units: int | None  # units in the box when the label says it ("de 30 comprimé(s)")
    shortage: str = ""  # "Rupture de stock", "Tension d'approvisionnement", from Dispo_Spec


@dataclass(frozen=True)
class Speciality:
    """A medicine of the base (one CIS) with all the base says of it."""

    cis: str
    name: str  # "AMOXICILLINE BIOGARAN 500 mg, gélule"
    form: str  # "gélule"
    routes: tuple[str, ...]  # ("orale",)
    marketed: bool
    reinforced_monitoring: bool
    components: tuple[Component, ...] = ()
    presentations: tuple[Presentation, ...] = ()
    conditions: tuple[str, ...] = ()  # "liste I", "stupéfiants", "prescription hospitalière"…
    generic_group: str = ""  # the group's label, "" outside any group
    shortage: str = ""  # a shortage of the speciality itself (Dispo_Spec without CIP)

    def substances(self) -> tuple[Component, ...]:
        """The substances the DCI names: per link, the therapeutic fraction when there is one."""
        chosen: dict[int, Component] = {}
        for component in self.components:
            kept = chosen.get(component.link)
            if kept is None or (component.nature is Nature.FRACTION
                                and kept.nature is Nature.ACTIVE):
                chosen[component.link] = component
        return tuple(chosen[link] for link in sorted(chosen))

    def substance_codes(self) -> frozenset[str]:
        """Every substance code of the composition, active substances and fractions alike."""
        return frozenset(c.substance_code for c in self.components)


@dataclass(frozen=True)
class DrugHit:
    """One line of the search's results: enough to choose, nothing more."""

    cis: str
    name: str
    form: str
    dosage: str  # the DCI and dosages, "amoxicilline 500 mg"
    routes: str
    marketed: bool
    reimbursement: str  # the best rate of its presentations, "" when none
    generic_group: str
    warnings: tuple[str, ...]  # "rupture de stock", "surveillance renforcée", "non commercialisé"
    cip13: str = ""  # when the search was a box's code


@dataclass(frozen=True)
class DrugRelease:
    """Which ANSM release the base holds: its date, and each source file's SHA-256."""

    published: dt.date
    file_hashes: dict[str, str] = field(default_factory=dict)

    def label(self) -> str:
        """« Base des médicaments ANSM du 28/01/2026 »."""
        return f"Base des médicaments ANSM du {self.published:%d/%m/%Y}"
