"""An unexpected error shows a report without any patient data (STYLE: two kinds of error)."""

import sys

from cabinet.ui.common.errors import crash_report


def test_crash_report_names_code_places_not_values():
    secret = "LEFÈVRE Émilie, séropositive"
    try:
        {"patient": secret}["absent"]
    except KeyError:
        try:
            raise ValueError(f"cannot file {secret}")
        except ValueError:
            kind, _, tb = sys.exc_info()
            report = crash_report(kind, tb)
    assert "builtins.ValueError" in report
    assert "test_crash_report.py" in report and "in test_crash_report" in report
    assert secret not in report and "LEFÈVRE" not in report
