"""What names a 政府信息公开工作年度报告 (its year first)."""

import re

REPORT_TITLE = re.compile(r"(20\d\d)\s*年?度?.{0,30}(政府信息公开|信息公开|政务公开).{0,10}(年度报告|年报)")
