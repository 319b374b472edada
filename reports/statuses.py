"""The one table of finding statuses: code (result.json), zh-CN label, badge colour, whether it scores.

Scoring, result.json's schema and rendering all read this table. `info` is kept because result.json
(govscan.result/1) has always allowed it; no check returns it today.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StatusRow:
    code: str
    label: str
    colour: str
    scorable: bool = False     # earns credit (pass 1, fail 0, warn partial); the others drop out
    needs_action: bool = False  # goes into the 整改清单
    resolved: bool = False      # a former fail/warn now in this status counts as fixed


TABLE = (
    StatusRow("pass", "合格", "#1a7f37", scorable=True, resolved=True),
    StatusRow("fail", "不合格", "#c62828", scorable=True, needs_action=True),
    StatusRow("warn", "需改进", "#b26a00", scorable=True, needs_action=True),
    StatusRow("info", "提示", "#607d8b", resolved=True),
    StatusRow("not_applicable", "不适用", "#607d8b", resolved=True),
    StatusRow("unverifiable", "无法核验", "#6d4c41"),
    StatusRow("error", "检测异常", "#455a64"),
)
STATUSES = {row.code: row for row in TABLE}
CODES = tuple(STATUSES)
LABELS = {row.code: row.label for row in TABLE}
COLOURS = {row.code: row.colour for row in TABLE}
SCORABLE = frozenset(row.code for row in TABLE if row.scorable)
NEEDS_ACTION = tuple(row.code for row in TABLE if row.needs_action)
RESOLVED = tuple(row.code for row in TABLE if row.resolved)
NOT_CHECKED = ("unverifiable", "error")  # "could not check": never the site's failure
