"""What the import reads out of the BDPM's free-text columns, on labels of the real files."""

import pytest

from cabinet.drugs.derive import best_rate, normal_rate, price, units


@pytest.mark.parametrize(("label", "expected"), [
    ("plaquette(s) PVC PVDC aluminium de 30 comprimé(s)", 30),
    ("3 plaquette(s) thermoformée(s) PVC-aluminium de 10 comprimé(s)", 30),
    ("20 sachet(s) papier aluminium polyéthylène", 20),
    ("1 flacon(s) en verre de 100 ml", 1),  # one bottle: millilitres are not counted
    ("plaquette(s) aluminium", None),
    ("flacon(s) polyéthylène haute densité (PEHD) de 28 gélule(s)", 28),
    ("10 flacons multidoses en verre de 6 doses", None),
])
def test_units_in_a_box(label, expected):
    assert units(label) == expected


def test_rates_and_prices():
    assert best_rate(["65 %", "", "100%", "30%"]) == "100%"
    assert best_rate(["", ""]) == ""
    assert normal_rate("65 %") == "65%"
    assert normal_rate("65%;30 %") == "65%;30%"
    assert price("1,234,56") == "1234.56"
    assert price("24,34") == "24.34"
    assert price("") == ""
