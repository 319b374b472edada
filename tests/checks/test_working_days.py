"""Working days by the official calendar (调休 included), across the 2025 and 2026 Spring Festival
and National Day weeks, and the Monday–Friday fallback for a year the calendar does not know."""

from datetime import date

import pytest

from checks.dates import add_working_days, calendar_note, is_working_day, working_days_between
from checks.facts.consultations import window


@pytest.mark.parametrize("day,working", [
    (date(2025, 1, 26), True),    # Sunday made a working day before the 2025 Spring Festival
    (date(2025, 1, 31), False),   # Friday inside the Spring Festival holiday
    (date(2025, 2, 8), True),     # Saturday made a working day after it
    (date(2025, 9, 28), True),    # Sunday before National Day 2025
    (date(2025, 10, 8), False),   # Wednesday, the holiday's last day
    (date(2025, 10, 11), True),   # Saturday after it
    (date(2026, 2, 14), True),    # Saturday before the 2026 Spring Festival
    (date(2026, 2, 20), False),   # Friday inside it
    (date(2026, 2, 28), True),    # Saturday after it
    (date(2026, 10, 6), False),   # National Day 2026
    (date(2026, 10, 10), True),   # Saturday after it
    (date(2026, 11, 21), False),  # an ordinary Saturday
])
def test_the_official_calendar_moves_working_days(day, working):
    assert is_working_day(day) is working


def test_counting_across_the_2025_national_day_week():
    # Tue 30 Sep → Thu 9 Oct: 1–8 Oct are holidays, so only Thu 9 Oct counts (Mon–Fri would give 7)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    # Fri 26 Sep → Sun 28 Sep (a 调休 working day) counts one
    assert working_days_between(date(2025, 9, 26), date(2025, 9, 28)) == 1


def test_counting_across_the_2026_spring_festival():
    # Fri 13 Feb → Tue 24 Feb: Sat 14 Feb works, 15–23 Feb are holidays, Tue 24 Feb works
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    # a 解读 due within 3 working days of a document of Thu 12 Feb 2026: Fri 13, Sat 14, Tue 24
    assert add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)


def test_twenty_working_days_over_national_day_2026():
    # 20 working days from Fri 18 Sep 2026: the 调休 Sunday 20 Sep counts, 25 Sep and 1–7 Oct do not
    end = add_working_days(date(2026, 9, 18), 20)
    assert end == date(2026, 10, 22)
    assert working_days_between(date(2026, 9, 18), end) == 20


def test_unknown_years_fall_back_to_monday_to_friday_and_say_so():
    assert working_days_between(date(2027, 1, 29), date(2027, 2, 8)) == 6  # Fri → next Mon but one
    assert calendar_note(date(2026, 12, 30), date(2027, 1, 4)) == "2027年的法定节假日安排未收录，工作日按周一至周五估算"
    assert calendar_note(date(2026, 12, 30)) == ""


def test_a_comment_window_stated_in_working_days_skips_the_holiday():
    start, end, _ = window("征求意见时间：自发布之日起5个工作日。", date(2025, 9, 29))
    # Mon 29 Sep 2025 published: Tue 30 Sep, then 9, 10, 11 (Saturday, 调休) and 13 Oct
    assert (start, end) == (date(2025, 9, 29), date(2025, 10, 13))
