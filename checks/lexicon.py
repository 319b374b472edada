"""Column names and URL slugs seen on real government sites (rulebook §0.3), per concept."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    standard: str                 # the name the rules ask for
    synonyms: tuple[str, ...]     # other names seen on real sites
    slugs: tuple[str, ...]        # pinyin URL path segments
    keyword: str                  # must appear in an anchor matched by slug only


COLUMNS = {
    "platform": Concept(
        "政府信息公开",
        ("政务公开", "信息公开", "政府信息公开目录", "信息公开目录", "政府信息公开专栏", "部门信息公开目录",
         "政府信息公开平台", "政务信息公开"),
        ("zfxxgk", "xxgk", "zwgk", "gkml", "gkmlpt", "xxgkml"),
        "公开",
    ),
    "guide": Concept(
        "政府信息公开指南", ("信息公开指南", "公开指南", "政务公开指南"), ("guide", "xxgkzn", "gkzn", "zfxxgkzn"), "指南",
    ),
    "rules": Concept(
        "政府信息公开制度", ("信息公开制度", "公开制度", "本局公开制度", "政务公开制度"), ("xxgkzd", "zfxxgkzd", "gkzd"), "制度",
    ),
    "statutory": Concept(
        "法定主动公开内容", ("主动公开目录", "主动公开基本目录", "法定主动内容", "法定主动公开"), ("fdzdgknr", "fdzdgk"), "主动公开",
    ),
    "annual_report": Concept(
        "政府信息公开年报",
        ("政府信息公开工作年度报告", "信息公开年报", "政府信息公开年度报告", "年度报告", "年报", "信息公开年度报告"),
        ("ndbg", "xxgknb", "zfxxgknb", "gknb"),
        "年",
    ),
}

# Text that marks a column page as empty (检查指标 V-COL 空白栏目).
BLANK_MARKERS = ("暂无信息", "暂无数据", "暂无内容", "正在建设中", "栏目建设中", "没有相关信息", "暂无记录")

# Text of an HTTP-200 page that is really an error page (soft 404).
SOFT_404_MARKERS = ("页面不存在", "页面未找到", "找不到页面", "您访问的页面不存在", "已被删除", "404 Not Found",
                    "Page Not Found", "页面已删除", "访问的页面不存在")
