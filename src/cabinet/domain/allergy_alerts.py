"""Allergy alerts: whether a medicine holds what the patient is allergic to (issue 16, item 5).

An allergy is recorded against a substance of the drug base (its code and name), a class the
physician names (« pénicillines »), or free text. A medicine alerts when one of its
substances has the allergy's code, carries its name (« amoxicilline » typed as text finds
AMOXICILLINE TRIHYDRATÉE), or belongs to its class. Names are compared as folded words,
leaving out salts and hydration (« sulfate de morphine » is morphine). The alert is shown
before the line is saved; the physician may keep the line with a reason, never silently.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cabinet.domain.drugs import Nature, Speciality
from cabinet.domain.text import fold

_SALTS = frozenset({
    "anhydre", "base", "sodique", "disodique", "potassique", "calcique", "magnesique",
    "chlorhydrate", "dichlorhydrate", "bromhydrate", "sulfate", "phosphate", "citrate",
    "tartrate", "maleate", "fumarate", "succinate", "mesilate", "besilate", "acetate",
    "lysinate", "trometamol", "proxetil", "axetil",
})


@dataclass(frozen=True)
class AllergyClass:
    """A class of medicines (« pénicillines ») and the DCI it includes, folded."""

    name: str
    aliases: tuple[str, ...]  # the words a physician types for it (« penicilline »)
    substances: tuple[str, ...]
    atc: tuple[str, ...] = ()


@dataclass(frozen=True)
class AllergyAlert:
    """One recorded allergy that a medicine meets, and through which substance."""

    allergy: str  # as recorded: « pénicillines », « amoxicilline »
    reaction: str
    intolerance: bool
    substance: str  # as the base writes it: « AMOXICILLINE TRIHYDRATÉE »
    allergy_class: str = ""  # the class through which it matched, "" for the substance itself

    def text(self) -> str:
        """« Allergie notée : pénicillines — œdème de Quincke ; AMOXICILLINE … en fait partie. »."""
        head = "Intolérance notée" if self.intolerance else "Allergie notée"
        said = f"{head} : {self.allergy}" + (f" — {self.reaction}" if self.reaction else "")
        if not self.allergy_class:
            return f"{said} ; ce médicament contient {self.substance}."
        if fold(self.allergy) == fold(self.allergy_class):
            return f"{said} ; {self.substance} en fait partie."
        return f"{said} ; {self.substance} fait partie de la classe « {self.allergy_class} »."


def words(text: str) -> frozenset[str]:
    """Folded words, a final plural « s » left out (« Pénicillines » → penicilline)."""
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w
                     for w in re.split(r"[^0-9a-z]+", fold(text)) if w)


def classes_named(text: str, classes: Sequence[AllergyClass]) -> list[AllergyClass]:
    """The classes whose name or an alias has words starting as typed (« anti-inf » → AINS)."""
    typed = [w for w in re.split(r"[^0-9a-z]+", fold(text)) if w]

    def starts(name: str) -> bool:
        named = re.split(r"[^0-9a-z]+", fold(name))
        return all(any(word.startswith(t) for word in named) for t in typed)

    return [group for group in classes if typed and any(starts(name) for name in
                                                        (group.name, *group.aliases))]


def core(text: str) -> frozenset[str]:
    """The words that name the substance: no salt, hydration, dosage or short word."""
    return frozenset(w for w in words(text) if len(w) > 2 and not w.isdigit()
                     and w not in _SALTS and not w.endswith(("hydrate", "hydratee")))


def _names(named: frozenset[str], name: str) -> bool:
    return bool(named) and named <= words(name)


def class_of(allergy: Mapping[str, Any], classes: Sequence[AllergyClass]) -> AllergyClass | None:
    """The class an allergy names: recorded as such, or typed (« allergie aux pénicillines »)."""
    recorded = fold(str(allergy.get("allergy_class", "")))
    typed = words(str(allergy.get("substance", "")))
    for group in classes:
        if recorded and recorded == fold(group.name):
            return group
    for group in classes:
        if any(words(alias) <= typed for alias in group.aliases):
            return group
    return None


def _alert(allergy: Mapping[str, Any], substances: Sequence[tuple[str, str]],
           classes: Sequence[AllergyClass]) -> AllergyAlert | None:
    """The first of (code, name) `substances` the allergy meets, or None."""
    recorded = str(allergy.get("substance", ""))
    code = str(allergy.get("substance_code", ""))
    group = class_of(allergy, classes)
    for substance_code, name in substances:
        if (code and code == substance_code) or _names(core(recorded), name) \
                or _names(core(name), recorded):
            return _make(allergy, name, "")
    for _, name in substances:
        if group and any(_names(core(member), name) for member in group.substances):
            return _make(allergy, name, group.name)
    return None


def _make(allergy: Mapping[str, Any], substance: str, group: str) -> AllergyAlert:
    return AllergyAlert(str(allergy["substance"]), str(allergy.get("reaction", "")),
                        bool(allergy.get("intolerance", False)), substance, group)


def _present(allergies: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [a for a in allergies if a.get("status", "present") == "present"]


def alerts_for(speciality: Speciality, allergies: Iterable[Mapping[str, Any]],
               classes: Sequence[AllergyClass]) -> list[AllergyAlert]:
    """The alerts a medicine raises against the patient's allergies (their payloads).

    Every substance of the composition counts, active substances named first.
    """
    ordered = sorted(speciality.components, key=lambda c: c.nature is not Nature.ACTIVE)
    substances = [(c.substance_code, c.substance) for c in ordered]
    return [alert for allergy in _present(allergies)
            if (alert := _alert(allergy, substances, classes)) is not None]


def line_alerts(line: Mapping[str, Any], allergies: Iterable[Mapping[str, Any]],
                classes: Sequence[AllergyClass],
                find: Callable[[str], Speciality | None]) -> list[AllergyAlert]:
    """The alerts of one stored line: through its CIS in the base, else through its text.

    A free-text line of old, or a medicine the base no longer holds, is checked by the
    words of its name.
    """
    speciality = find(str(line["cis"])) if line.get("cis") else None
    if speciality is not None:
        return alerts_for(speciality, allergies, classes)
    name = str(line.get("dci") or line.get("drug", ""))
    return [alert for allergy in _present(allergies)
            if (alert := _alert(allergy, [("", name)], classes)) is not None]


def prescription_alerts(lines: Sequence[Mapping[str, Any]],
                        allergies: Iterable[Mapping[str, Any]],
                        classes: Sequence[AllergyClass],
                        find: Callable[[str], Speciality | None]) -> list[list[AllergyAlert]]:
    """For a renewal: the alerts of each line of a whole prescription, in its order."""
    recorded = list(allergies)
    return [line_alerts(line, recorded, classes, find) for line in lines]
