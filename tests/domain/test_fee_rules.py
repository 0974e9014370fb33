"""The act table's dated rates, overseas prices, and a payment's checks as typed."""

import datetime as dt

import pytest

from cabinet.domain.fees import (
    FeeError,
    FeeInput,
    euros,
    month_bounds,
    parse_acts,
    parse_amount,
    price,
    shipped_table,
)
from cabinet.services.fees import ngap_data

TABLE = shipped_table(ngap_data())


@pytest.mark.parametrize(("code", "day", "zone", "cents"), [
    ("G", dt.date(2024, 12, 21), "metropole", 2650),
    ("G", dt.date(2024, 12, 22), "metropole", 3000),
    ("G", dt.date(2025, 3, 1), "reunion", 3560),  # 35,60 € overseas (2024 convention)
    ("COE", dt.date(2025, 6, 30), "metropole", 4600),
    ("COE", dt.date(2025, 7, 1), "metropole", 6000),
    ("IK", dt.date(2026, 2, 1), "guyane", 80),
    ("IK", dt.date(2025, 12, 31), "guyane", 61),
    ("MD", dt.date(2026, 2, 1), "antilles", 1000),
])
def test_an_act_is_priced_at_its_date_and_zone(code, day, zone, cents):
    assert TABLE.rate_on(code, day, zone)[1] == cents


def test_a_visit_adds_its_acts_and_kilometres():
    checked = price(TABLE, FeeInput((("VG", 1), ("MD", 1), ("IK", 12))), dt.date(2026, 3, 2))
    assert checked.total_cents == 3000 + 1000 + 12 * 61


@pytest.mark.parametrize(("entered", "message"), [
    (FeeInput((("XYZ", 1),)), "Acte inconnu : « XYZ »"),
    (FeeInput(()), "au moins un acte"),
    (FeeInput((("G", 1),), paid_cents=-100, method="cash"), "ne peut pas être négatif"),
    (FeeInput((("G", 1),), paid_cents=3000, method="cheque"), "numéro du chèque"),
    (FeeInput((("G", 1),), paid_cents=3000), "mode de paiement"),
    (FeeInput((("G", 1),), paid_cents=3000, method="cash", third_party_cents=100),
     "dépassent les honoraires"),
])
def test_bad_input_is_refused_in_french(entered, message):
    with pytest.raises(FeeError, match=message):
        price(TABLE, entered, dt.date(2026, 3, 2))


def test_amounts_are_read_and_written_the_french_way():
    assert parse_amount("1 234,5 €") == 123450
    assert parse_amount("30") == 3000
    assert euros(123450) == "1\u202f234,50 €"
    with pytest.raises(FeeError, match="négatif"):
        parse_amount("-3")
    with pytest.raises(FeeError, match="illisible"):
        parse_amount("trente")


def test_a_month_and_a_year_have_their_bounds():
    assert month_bounds(2028, 2) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert month_bounds(2026, 12) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert month_bounds(2026, None) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_acts_are_typed_as_codes_with_quantities():
    assert parse_acts(" vg+MD ik×12 ") == (("VG", 1), ("MD", 1), ("IK", 12))
    assert parse_acts("MDx2, G") == (("MD", 2), ("G", 1))
    with pytest.raises(FeeError, match="Acte illisible"):
        parse_acts("G 12")
