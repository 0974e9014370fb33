"""Search as you type: names without accents or case, French dates, NIR (REC-1)."""

import datetime as dt

import pytest

from helpers.vaults import identity, valid_nir

NIR = valid_nir("2610375123456")


@pytest.fixture
def people(ctx):
    return {
        "emilie": ctx.patients.create(identity("Lefèvre", "Émilie", nir=NIR)),
        "marie": ctx.patients.create(identity("Dupont", "Marie-Hélène",
                                              birth_date=dt.date(1980, 12, 3))),
        "noel": ctx.patients.create(identity("Lefebvre", "Noël", used_name="D'Artagnan",
                                             birth_date=dt.date(1975, 1, 2))),
    }


@pytest.mark.parametrize(("typed", "expected"), [
    ("emilie", {"emilie"}),
    ("ÉMILIE", {"emilie"}),
    ("lefevre", {"emilie"}),
    ("LEFÈVRE", {"emilie"}),
    ("lef", {"emilie", "noel"}),
    ("lef em", {"emilie"}),
    ("em lef", {"emilie"}),
    ("helene", {"marie"}),
    ("marie-hel", {"marie"}),
    ("artagnan", {"noel"}),
    ("d'artagnan", {"noel"}),
    ("12/03/1961", {"emilie"}),
    ("03/12/1980", {"marie"}),
    ("2.1.1975", {"noel"}),
    (NIR[:7], {"emilie"}),
    (f"{NIR[0]} {NIR[1:3]} {NIR[3:5]}", {"emilie"}),
    ("zzz", set()),
    ("", set()),
    ("31/02/1961", set()),
])
def test_search(ctx, people, typed, expected):
    found = {row.patient_id for row in ctx.patients.search(typed)}
    assert found == {people[name] for name in expected}


def test_results_carry_what_the_list_shows(ctx, people):
    [row] = ctx.patients.search("emilie")
    assert (row.display_name, row.birth_date, row.sex, row.nir) == (
        "LEFÈVRE Émilie", "1961-03-12", "F", NIR)


def test_results_are_sorted_by_name_and_limited(ctx):
    for n in range(60):
        ctx.patients.create(identity("Martin", f"Anne{chr(97 + n % 26)}"))
    rows = ctx.patients.search("martin")
    assert len(rows) == 50
    assert [r.display_name for r in rows] == sorted(r.display_name for r in rows)
