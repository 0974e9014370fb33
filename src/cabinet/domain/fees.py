"""Fees: the table of acts with their dated rates, and the checks of a payment as typed.

Amounts are whole cents, never floats. A rate is valid from its date until a newer line of
the same act (and zone) replaces it: the table only ever grows, so an encounter of 2024 is
still priced as it was in 2024. Overseas zones take their own line when there is one, else
the mainland rate times the zone's coefficient. Nothing here reads files or the vault.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MAINLAND = "metropole"
METHODS = {"cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
           "transfer": "Virement"}
DEFAULT_INSURER = "Assurance maladie"
_CODE = re.compile(r"^[A-Z][A-Z0-9]{0,5}$")
_TYPED_ACT = re.compile(r"^([A-Z][A-Z0-9]{0,5}?)(?:[*×X](\d{1,3}))?$")
_AMOUNT = re.compile(r"^(\d{1,7})(?:[.,](\d{1,2}))?$")


class FeeError(ValueError):
    """A fee or a rate is refused; the message is French, for the physician."""


@dataclass(frozen=True)
class Rate:
    """One dated line of the table: an act's amount from `since`, in `zone` ('' = all)."""

    code: str
    label: str
    cents: int
    since: dt.date
    zone: str = ""
    per_km: bool = False


@dataclass(frozen=True)
class Coefficient:
    """An overseas zone's factor on some acts, from a date."""

    zone: str
    since: dt.date
    factor: Decimal
    codes: frozenset[str]


@dataclass(frozen=True)
class ActTable:
    """Every dated rate (shipped and the physician's own), and the zones' coefficients."""

    rates: tuple[Rate, ...]
    coefficients: tuple[Coefficient, ...] = ()
    zones: Mapping[str, str] = field(default_factory=lambda: {MAINLAND: "Métropole"})

    def codes(self) -> list[str]:
        """The known act codes, in the order they first appear."""
        return list(dict.fromkeys(r.code for r in self.rates))

    def label(self, code: str) -> str:
        """The newest label of an act."""
        return [r.label for r in self.rates if r.code == code][-1]

    def rate_on(self, code: str, day: dt.date, zone: str = MAINLAND) -> tuple[Rate, int]:
        """The rate line in force on `day` in `zone`, and its amount in cents there."""
        lines = [r for r in self.rates if r.code == code]
        if not lines:
            raise FeeError(f"Acte inconnu : « {code} ». Ajoutez-le d'abord à la table des "
                           "actes.")
        valid = [r for r in lines if r.since <= day]
        local = [r for r in valid if r.zone == zone]
        if local:
            chosen = max(local, key=lambda r: r.since)
            return chosen, chosen.cents
        general = [r for r in valid if not r.zone]
        if not general:
            raise FeeError(f"Aucun tarif de « {code} » n'est en vigueur le {day:%d/%m/%Y}.")
        chosen = max(general, key=lambda r: r.since)
        factors = [c for c in self.coefficients
                   if c.zone == zone and code in c.codes and c.since <= day]
        if not factors:
            return chosen, chosen.cents
        factor = max(factors, key=lambda c: c.since).factor
        return chosen, int((Decimal(chosen.cents) * factor).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass(frozen=True)
class ActLine:
    """One act of a fee as priced: its code, how many (km for IK), its amount in cents."""

    code: str
    quantity: int
    cents: int


@dataclass(frozen=True)
class FeeInput:
    """What the physician types for an encounter's fee.

    `method` is '' when nothing was paid now (« non payé », or all paid by the insurer);
    `third_party_cents` is the part the insurer owes (tiers payant).
    """

    acts: tuple[tuple[str, int], ...]
    paid_cents: int = 0
    method: str = ""
    cheque_number: str = ""
    third_party_cents: int = 0
    insurer: str = DEFAULT_INSURER
    zone: str = MAINLAND


@dataclass(frozen=True)
class CheckedFee:
    """A fee ready to store: priced acts and their total."""

    acts: tuple[ActLine, ...]
    total_cents: int
    entered: FeeInput

    @property
    def due_cents(self) -> int:
        """What the patient still owes after paying now and the insurer's part."""
        return self.total_cents - self.entered.paid_cents - self.entered.third_party_cents


def price(table: ActTable, entered: FeeInput, day: dt.date) -> CheckedFee:
    """Price the acts at the encounter's date and check the payment; `FeeError` in French."""
    if entered.zone not in table.zones:
        raise FeeError("Zone tarifaire inconnue.")
    if not entered.acts:
        raise FeeError("Choisissez au moins un acte.")
    lines = []
    for code, quantity in entered.acts:
        if quantity < 1:
            raise FeeError(f"Le nombre de « {code} » doit être d'au moins 1.")
        _, cents = table.rate_on(code, day, entered.zone)
        lines.append(ActLine(code, quantity, cents * quantity))
    total = sum(line.cents for line in lines)
    check_payment(entered.paid_cents, entered.method, entered.cheque_number)
    if entered.third_party_cents < 0:
        raise FeeError("Le tiers payant ne peut pas être négatif.")
    if entered.third_party_cents and not entered.insurer.strip():
        raise FeeError("Indiquez l'organisme qui doit le tiers payant.")
    if entered.paid_cents + entered.third_party_cents > total:
        raise FeeError("Le montant payé et le tiers payant dépassent les honoraires des actes "
                       f"({euros(total)}).")
    return CheckedFee(tuple(lines), total, entered)


def check_payment(cents: int, method: str, cheque_number: str) -> None:
    """A payment's amount, method and cheque number, as the ledger needs them."""
    if cents < 0:
        raise FeeError("Un montant ne peut pas être négatif.")
    if cents and method not in METHODS:
        raise FeeError("Indiquez le mode de paiement (espèces, chèque, carte, virement).")
    if not cents and method:
        raise FeeError("Indiquez le montant payé, ou choisissez « non payé ».")
    if method == "cheque" and not cheque_number.strip():
        raise FeeError("Indiquez le numéro du chèque.")


def parse_acts(text: str) -> tuple[tuple[str, int], ...]:
    """Acts as typed: « G MEG », « VG+MD+IK×12 » (a quantity after ×, x or *)."""
    acts = []
    for word in re.split(r"[\s+,;]+", text.strip().upper()):
        if not word:
            continue
        match = _TYPED_ACT.match(word)
        if match is None:
            raise FeeError(f"Acte illisible : « {word} » (par exemple « G », « IK×12 »).")
        acts.append((match.group(1), int(match.group(2) or 1)))
    return tuple(acts)


def parse_amount(text: str) -> int:
    """Cents from an amount typed as « 30 », « 30,5 », « 1 234,50 € »; `FeeError` in French."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text)
    if cleaned.startswith("-"):
        raise FeeError("Un montant ne peut pas être négatif.")
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise FeeError(f"Montant illisible : « {text.strip()} ».")
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def euros(cents: int) -> str:
    """« 1 234,50 € » (a narrow no-break space between thousands)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole:,}".replace(",", "\u202f") + f",{rest:02d} €"


def new_rate(code: str, label: str, cents: int, since: dt.date, *, zone: str,
             table: ActTable) -> Rate:
    """A rate the physician adds (a new act, or a new amount from a date); checked."""
    code = code.strip().upper()
    if not _CODE.match(code):
        raise FeeError("Le code de l'acte s'écrit en lettres majuscules et chiffres (6 au "
                       "plus), par exemple « G » ou « APC ».")
    if not label.strip() and code not in table.codes():
        raise FeeError("Indiquez le libellé de l'acte.")
    if cents < 0:
        raise FeeError("Un montant ne peut pas être négatif.")
    if zone and zone not in table.zones:
        raise FeeError("Zone tarifaire inconnue.")
    per_km = any(r.per_km for r in table.rates if r.code == code)
    return Rate(code, label.strip() or table.label(code), cents, since,
                "" if zone == MAINLAND else zone, per_km)


def shipped_table(data: Mapping[str, Any], added: Iterable[Rate] = ()) -> ActTable:
    """The table from the shipped NGAP data (`ngap.json`), then the physician's lines."""
    rates = [Rate(act["code"], act["label"], parse_amount(line["euros"]),
                  dt.date.fromisoformat(line["since"]), zone, bool(act.get("per_km")))
             for act in data["acts"] for line in act["rates"]
             for zone in line.get("zones", [""])]
    coefficients = [Coefficient(zone, dt.date.fromisoformat(c["since"]),
                                Decimal(c["coefficient"]), frozenset(c["codes"]))
                    for c in data["coefficients"] for zone in c["zones"]]
    return ActTable((*rates, *added), tuple(coefficients), dict(data["zones"]))


def month_bounds(year: int, month: int | None) -> tuple[dt.date, dt.date]:
    """First and last day of a month, or of the year when `month` is None."""
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= month <= 12:
        raise FeeError("Mois invalide.")
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), following - dt.timedelta(days=1)


def by_method(rows: Sequence[tuple[str, int]]) -> dict[str, int]:
    """(method, cents) rows summed per method, every method present, in the usual order."""
    totals = dict.fromkeys(METHODS, 0)
    for method, cents in rows:
        totals[method] = totals.get(method, 0) + cents
    return totals

