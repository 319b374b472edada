"""Signs of injected content: hidden link farms, spam keywords, blocklisted outbound links.

Everything found goes to manual review (`warn`): a keyword can be quoted in a crackdown notice,
so no automatic veto is drawn from it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from checks.common import require_home
from checks.model import Context, Evidence, Finding, Status
from checks.registry import check
from checks.snapshot import Snapshot

TERMS_FILE = Path(__file__).with_name("security_terms.yaml")


@lru_cache(maxsize=1)
def terms() -> tuple[re.Pattern, tuple[str, ...], int]:
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    words = [word for group in data["terms"].values() for word in group]
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    return pattern, tuple(data.get("blocked_domains") or ()), int(data["hidden_outbound_min"])


def blocked(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


@check(id="site.security_content", title="网站内容安全（暗链、违规内容）",
       basis="《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决：安全、泄密事故等严重问题",
       family="site", remedy="逐条人工核实：确属被植入的暗链或违规内容应立即删除，排查网站后台和服务器安全漏洞，并留存处置记录。")
def security_content(snap: Snapshot, ctx: Context) -> Finding:
    require_home(snap)
    pattern, domains, hidden_min = terms()
    hits: list[dict] = []
    for page in snap.pages():
        if not page.ok:
            continue
        outbound = [link for link in page.metadata.get("hidden_links", []) if not link.get("internal")]
        if len(outbound) >= hidden_min:
            hits.append({"url": page.url, "kind": "暗链", "text": f"隐藏的外部链接{len(outbound)}个："
                         + "、".join(f"{link['anchor'] or link['target']}（{link['target']}）" for link in outbound[:5])})
        for match in list(pattern.finditer(page.title + "\n" + page.text))[:1]:
            start = max(0, match.start() - 20)
            excerpt = (page.title + "\n" + page.text)[start:match.end() + 20].replace("\n", " ")
            hits.append({"url": page.url, "kind": "违规关键词", "text": f"“{match.group(0)}”：…{excerpt}…"})
    for link in snap.links(internal=False):
        host = (urlsplit(link.target).hostname or "").lower()
        if blocked(host, domains):  # spam anchors are already caught as page text
            hits.append({"url": link.source, "kind": "违规外链", "text": f"链接“{link.anchor}”指向 {link.target}"})
    threshold = "不得存在暗链、违规内容或违规外链"
    details = {"hits": hits, "pages": len(snap.pages())}
    if not hits:
        return Finding(Status.PASS, f"在{len(snap.pages())}个页面中未发现暗链、违规关键词或违规外链。", value="0处",
                       threshold=threshold, details=details)
    kinds = "、".join(sorted({hit["kind"] for hit in hits}))
    return Finding(Status.WARN, f"发现{len(hits)}处疑似问题（{kinds}），需人工核实并处置。", value=f"{len(hits)}处",
                   threshold=threshold, evidence=[Evidence(url=h["url"], text=f"{h['kind']}：{h['text']}") for h in hits],
                   details=details)
