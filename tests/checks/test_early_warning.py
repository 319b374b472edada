"""The last day of a 规范性文件's 有效期, as documents state it."""

from datetime import date

import pytest

from checks.facts.documents import validity_end


@pytest.mark.parametrize("text,written,expected", [
    ("本办法自2026年6月1日起施行，有效期五年。", None, date(2031, 5, 31)),
    ("本措施自印发之日起施行，有效期3年。", date(2025, 6, 10), date(2028, 6, 9)),
    ("本通知自2024年1月1日起施行，有效期至2026年12月31日。", None, date(2026, 12, 31)),
    ("有效期为2024年1月1日至2026年12月31日。", None, date(2026, 12, 31)),
    ("本措施自印发之日起施行，有效期三年。", None, None),   # no 成文日期: the start is unknown
    ("本办法自2026年6月1日起施行。", None, None),          # no 有效期 stated
])
def test_validity_end(text, written, expected):
    assert validity_end(text, written) == expected
