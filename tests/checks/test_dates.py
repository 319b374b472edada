from datetime import date

import pytest

from checks.dates import all_dates, date_from_url, parse_date, working_days_between


@pytest.mark.parametrize("text,expected", [
    ("2020-11-30", date(2020, 11, 30)),
    ("发布日期：2020年11月30日", date(2020, 11, 30)),
    ("2020/11/30 09:15", date(2020, 11, 30)),
    ("2020.11.30", date(2020, 11, 30)),
    ("2020-1-5 8:00", date(2020, 1, 5)),
    ("2019年01月27日", date(2019, 1, 27)),
    ("2020年 3月 1日", date(2020, 3, 1)),
    ("20251月1日", None),
    ("2020-13-45", None),
    ("2020年11月", None),
    ("电话 0754-2020-11", None),
    ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("url,expected", [
    ("http://a.gov.cn/xxgk/20230331/abc.html", date(2023, 3, 31)),
    ("http://a.gov.cn/art/t20201130_123456.html", date(2020, 11, 30)),
    ("http://www.gov.cn/xinwen/2021-08/01/content_5628785.htm", date(2021, 8, 1)),
    ("http://a.gov.cn/gkmlpt/content/2/2000/post_2000296.html", None),
    ("http://a.gov.cn/t20201332_1.html", None),
])
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


def test_all_dates_skips_malformed():
    assert all_dates("成文日期：2020年11月20日 发布日期：2020-11-30 错误：20251月1日") == [date(2020, 11, 20), date(2020, 11, 30)]


def test_working_days():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1  # Fri → Mon
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 5
