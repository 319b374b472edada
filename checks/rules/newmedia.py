"""政务新媒体 (rulebook §1.3, §8.8): the accounts the government runs are listed, each with its name
and platform, so that the public can tell them from imitations (and inspectors can check them)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from checks.columns import find_column
from checks.common import open_page, require_list_loaded, searched
from checks.lexicon import NEW_MEDIA_PLATFORMS
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Page, Snapshot

NAME_HEADERS = ("账号名称", "名称", "账号", "新媒体名称")
PLATFORM_HEADERS = ("平台", "类型", "类别", "渠道")
_EMPTY = re.compile(r"^[\s\-—/无]*$")


def platform_of(text: str) -> str | None:
    return next((platform for platform, words in NEW_MEDIA_PLATFORMS.items() if any(word in text for word in words)), None)


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    return next((i for name in names for i, header in enumerate(headers) if name in header), None)


def accounts_in_tables(page: Page) -> list[dict]:
    """Rows of a table whose header names the account and its platform; a blank cell stays blank."""
    found = []
    for table in BeautifulSoup(page.html, "lxml").find_all("table"):
        rows = [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]
        if not rows:
            continue
        name_at, platform_at = _column(rows[0], NAME_HEADERS), _column(rows[0], PLATFORM_HEADERS)
        if name_at is None or platform_at is None or name_at == platform_at:
            continue
        for row in rows[1:]:
            if len(row) <= max(name_at, platform_at):
                continue
            name, cell = row[name_at], row[platform_at]
            if not _EMPTY.match(name):
                found.append({"name": name, "platform": platform_of(cell) if not _EMPTY.match(cell) else None,
                              "platform_text": cell})
    return found


_LINE = re.compile(r"(?P<label>[^\s：:]{2,8})\s*[:：]\s*[“\"「]?(?P<name>[\u4e00-\u9fa5A-Za-z0-9]{2,20})")


def accounts_in_lines(text: str) -> list[dict]:
    """'微信公众号：金平发布' lines, for lists written as text."""
    found = []
    for line in text.split("\n"):
        for hit in _LINE.finditer(line):
            platform = platform_of(hit.group("label"))
            if platform:
                found.append({"name": hit.group("name"), "platform": platform, "platform_text": hit.group("label")})
    return found


@check(id="newmedia.listed", title="政务新媒体名录", family="newmedia",
       basis="《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）；《国务院办公厅关于推进政务新媒体健康有序发展的意见》（国办发〔2018〕123号）",
       remedy="在门户网站设置“政务新媒体”栏目，逐一列明本级政府及部门开设的政务新媒体账号名称、所在平台和主办单位，并及时更新。",
       needs=("home",))
def listed(snap: Snapshot, ctx: Context) -> Finding:
    threshold = "公开政务新媒体名录，逐一列明账号名称和所在平台"
    match = find_column(snap, "new_media")
    if match is None:
        return Finding(Status.FAIL, "未找到政务新媒体名录（新媒体矩阵）栏目。", value="未找到", threshold=threshold,
                       evidence=searched(snap, "政务新媒体名录栏目"))
    evidence = [Evidence(url=match.url, text=f"“{match.anchor}”（位于 {match.source}）")]
    page = open_page(snap, match, threshold)
    accounts = accounts_in_tables(page) or accounts_in_lines(snap.main_text(page))
    unnamed_platform = [account for account in accounts if account["platform"] is None]
    details = {"url": match.url, "accounts": accounts, "no_platform": [account["name"] for account in unnamed_platform]}
    evidence += [Evidence(url=page.url, text=f"“{account['name']}”：{account['platform'] or '未注明平台'}")
                 for account in accounts[:8]]
    if not accounts:
        require_list_loaded(snap, page, match.anchor)
        return Finding(Status.WARN, f"设有“{match.anchor}”栏目，但未能读出账号名称和所在平台（可能以图片或二维码列出）。",
                       value="未识别到账号", threshold=threshold, evidence=evidence, details=details, score=0.5)
    value = f"{len(accounts)}个账号"
    if unnamed_platform:
        return Finding(Status.WARN, f"政务新媒体名录列有{len(accounts)}个账号，其中" + "、".join(details["no_platform"])
                       + "未注明所在平台。", value=value, threshold=threshold, evidence=evidence, details=details,
                       score=1 - len(unnamed_platform) / len(accounts))
    return Finding(Status.PASS, f"政务新媒体名录列有{len(accounts)}个账号，均注明名称和平台。", value=value,
                   threshold=threshold, evidence=evidence, details=details)
