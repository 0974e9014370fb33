"""How long backups still hold erased content, from the rotation (7 daily, 4 weekly,
12 monthly, then yearly kept for good)."""

import datetime as dt

from cabinet.domain.erasure import backup_exposure, backup_notice

ROTATION = (7, 4, 12)


def test_content_written_before_this_year_stays_in_last_year_s_backup():
    assert backup_exposure(dt.date(2025, 6, 1), dt.date(2026, 12, 3), *ROTATION) is None
    notice = backup_notice(dt.date(2025, 6, 1), dt.date(2026, 12, 3), *ROTATION)
    assert "sauvegarde annuelle de 2025" in notice and "sans limite" in notice


def test_the_last_month_before_the_erasure_leaves_eleven_months_later():
    # November 2026's last backup holds it; twelve newer months push it out on 1 Nov 2027.
    assert backup_exposure(dt.date(2026, 2, 1), dt.date(2026, 12, 3), *ROTATION) == (
        dt.date(2027, 11, 1))
    assert "le 01/11/2027" in backup_notice(dt.date(2026, 2, 1), dt.date(2026, 12, 3),
                                           *ROTATION)


def test_content_of_this_week_only_lives_in_daily_backups():
    # Written Tuesday 1 Dec 2026, erased Thursday 3 Dec: Wednesday's backup leaves 6 days on.
    assert backup_exposure(dt.date(2026, 12, 1), dt.date(2026, 12, 3), *ROTATION) == (
        dt.date(2026, 12, 9))


def test_content_of_last_week_lives_in_the_weekly_backups_for_three_weeks():
    # Written Tuesday 1 Dec, erased Thursday 10 Dec 2026: the week of 30 Nov's backup leaves
    # when the fourth newer week starts, Monday 28 Dec.
    assert backup_exposure(dt.date(2026, 12, 1), dt.date(2026, 12, 10), *ROTATION) == (
        dt.date(2026, 12, 28))


def test_content_written_the_day_it_is_erased_is_in_no_backup_kept():
    assert backup_exposure(dt.date(2026, 12, 3), dt.date(2026, 12, 3), *ROTATION) == (
        dt.date(2026, 12, 3))
