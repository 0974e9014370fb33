"""Current treatments derived from the record's prescriptions, and a renewal's pre-fill."""

import datetime as dt

import pytest

from cabinet.domain.prescribing import check_line
from cabinet.domain.record import EntryKind, RecordError, validate_entry
from cabinet.domain.treatments import current_treatments, renewal_lines

TODAY = dt.date(2026, 3, 1)


def _line(dci: str, cis: str, duration: int, unit: str, **flags: object) -> dict[str, object]:
    return check_line({"dci": dci, "cis": cis, "release": "2026-01-28", "posology": {
        "dose": 1, "unit": "comprimé", "per_day": 1, "duration": duration,
        "duration_unit": unit}, **flags}, 1)


# CIS 60004277 FENOFIBRATE TEVA 100 mg, gélule; CIS 64539416 CLAMOXYL 1 g
FENOFIBRATE = _line("fénofibrate 100 mg", "60004277", 3, "months", long_term=True,
                    allergy_alerts=["Allergie notée : X"], allergy_override="Avis allergologue")
AMOXICILLIN = _line("amoxicilline 1 g", "64539416", 7, "days")


def prescription(day: str, *lines: dict[str, object]) -> dict[str, object]:
    return validate_entry(EntryKind.PRESCRIPTION, {"date": day, "lines": list(lines)})


def names(found: list) -> list[str]:
    return [t.line["drug"] for t in found]


def test_a_long_term_line_stays_current_and_a_short_one_until_its_end() -> None:
    record = [prescription("2025-06-01", FENOFIBRATE), prescription("2026-02-25", AMOXICILLIN)]
    assert names(current_treatments(record, [], TODAY)) == ["fénofibrate 100 mg",
                                                            "amoxicilline 1 g"]
    assert names(current_treatments(record, [], dt.date(2026, 3, 4))) == ["fénofibrate 100 mg"]


def test_renewals_extend_a_short_line() -> None:
    renewed = _line("amoxicilline 1 g", "64539416", 7, "days", renewals=1)
    assert names(current_treatments([prescription("2026-02-20", renewed)], [], TODAY)) == [
        "amoxicilline 1 g"]


def test_a_treatment_entry_with_a_stop_date_ends_the_long_term_line() -> None:
    record = [prescription("2025-06-01", FENOFIBRATE)]
    stop = validate_entry(EntryKind.TREATMENT, {"drug": "Fénofibrate", "cis": "60004277",
                                                "stopped": "2026-01-10"})
    assert current_treatments(record, [stop], TODAY) == []
    # a stop older than the prescription does not end a treatment started again since
    assert names(current_treatments([prescription("2026-02-01", FENOFIBRATE)], [stop],
                                    TODAY)) == ["fénofibrate 100 mg"]


def test_a_later_prescription_of_the_same_dci_takes_the_place_of_the_earlier() -> None:
    shorter = _line("fénofibrate 100 mg", "60004277", 10, "days")
    record = [prescription("2025-06-01", FENOFIBRATE), prescription("2026-01-01", shorter)]
    assert current_treatments(record, [], TODAY) == []


def test_old_free_text_lines_run_for_their_typed_duration() -> None:
    old = prescription("2026-01-15", {"drug": "Ramipril 5 mg", "dosage": "1 cp le matin",
                                      "duration": "3 mois"},
                       {"drug": "Paracétamol 1 g", "dosage": "si douleur",
                        "duration": "5 jours"},
                       {"drug": "Lévothyroxine", "dosage": "1 cp", "duration": "à vie"})
    assert names(current_treatments([old], [], TODAY)) == ["Ramipril 5 mg"]


def test_a_renewal_starts_from_the_long_term_lines_to_be_checked_again() -> None:
    record = [prescription("2025-06-01", FENOFIBRATE), prescription("2026-02-25", AMOXICILLIN)]
    lines = renewal_lines(current_treatments(record, [], TODAY))
    assert [line["drug"] for line in lines] == ["fénofibrate 100 mg"]
    assert "allergy_override" not in lines[0]
    assert check_line(lines[0], 1)["posology"] == FENOFIBRATE["posology"]
    every = renewal_lines(current_treatments(record, [], TODAY), long_term_only=False)
    assert len(every) == 2


def test_a_treatment_names_its_drug_by_a_cis_of_eight_digits_or_none() -> None:
    assert "cis" not in validate_entry(EntryKind.TREATMENT, {"drug": "Metformine 1000 mg"})
    with pytest.raises(RecordError, match="Le code CIS doit comporter 8 chiffres"):
        validate_entry(EntryKind.TREATMENT, {"drug": "Metformine", "cis": "6000427"})
