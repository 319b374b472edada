"""V-INTER: an online 咨询建言 channel exists and its messages are answered within 3 months."""

from __future__ import annotations

from datetime import timedelta

from checks.columns import find_column
from checks.common import open_page, searched
from checks.facts.messages import messages
from checks.model import Context, Evidence, Finding, Status, Unverifiable
from checks.registry import check
from checks.snapshot import Snapshot

@check(id="interaction.channel", title="互动交流渠道与留言答复", family="interaction",
       basis="《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决：互动回应差",
       remedy="开设区长信箱等网上咨询建言渠道，公开留言和答复情况，对每条有效留言在3个月内答复。",
       needs=("home",))
def channel(snap: Snapshot, ctx: Context) -> Finding:
    limits = ctx.thresholds["interaction.channel"]
    max_wait, window = int(limits["max_wait_days"]), int(limits["window_days"])
    threshold = f"提供网上咨询建言渠道；近{window}天内的留言均在{max_wait}天内答复"
    match = find_column(snap, "interaction")
    if match is None:
        return Finding(Status.FAIL, "未找到网上咨询建言渠道（如区长信箱、我要咨询），触发单项否决。", value="无渠道",
                       threshold=threshold, evidence=searched(snap, "网上咨询建言渠道"))
    page = open_page(snap, match, threshold)
    evidence = [Evidence(url=match.url, text=f"“{match.anchor}”")]
    if page.metadata.get("needs_js") and not page.rendered:
        raise Unverifiable(f"“{match.anchor}”的留言列表由JavaScript加载，本次未能渲染，无法核验答复情况：{match.url}")
    listed = [m for m in messages(page) if m.asked >= ctx.today - timedelta(days=window)]
    if not listed:
        return Finding(Status.WARN, f"设有“{match.anchor}”，但未公开留言及答复情况，无法核验答复时限。",
                       value="未公开留言", threshold=threshold, evidence=evidence, score=0.5)
    overdue = [m for m in listed if m.waited(ctx.today) > max_wait]
    details = {"messages": len(listed), "overdue": [
        {"subject": m.subject, "asked": m.asked.isoformat(), "answered": m.answered.isoformat() if m.answered else None,
         "waited_days": m.waited(ctx.today)} for m in overdue]}
    evidence += [Evidence(url=m.page, text=f"“{m.subject}” 留言于{m.asked.isoformat()}，"
                          + (f"{m.answered.isoformat()}答复" if m.answered else "至今未答复")
                          + f"，历时{m.waited(ctx.today)}天") for m in overdue]
    value = f"{len(overdue)}/{len(listed)}条超期"
    if overdue:
        return Finding(Status.FAIL, f"{len(overdue)}条留言超过{max_wait}天未答复，触发单项否决。", value=value,
                       threshold=threshold, evidence=evidence, details=details)
    return Finding(Status.PASS, f"设有“{match.anchor}”，近{window}天{len(listed)}条留言均按时答复或仍在期限内。",
                   value=value, threshold=threshold, evidence=evidence, details=details)
