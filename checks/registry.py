"""The check registry: `@check(...)` declares a check and what it needs; `run_checks` runs each one in
isolation.

A check ends early in one way: by raising. `Verdict(finding)` is a conclusion reached early (the
column it needs is absent: the site's failure); `Unverifiable(message)` says the site could not be
examined for it. Declared needs are tested before the check runs and raise the same way, so a check
body starts with what it has. The wrapper turns a Verdict into the check's finding (also when a unit
test calls the check directly); `run_one` turns Unverifiable into `unverifiable`, and any other
exception into `error`."""

from __future__ import annotations

import functools
import traceback
from dataclasses import dataclass
from typing import Callable

from checks.common import require_home
from checks.limits import LIMITS_KEY, cap_finding
from checks.model import Context, Finding, Status, Unverifiable, Verdict
from checks.snapshot import Snapshot

# What a missing probe kind means, for checks that declare needs=("probes:KIND",).
IPV6_NOT_PROBED = "本次检测没有进行IPv6探测（快照中没有IPv6探测记录），本项无法核验。"
PROBES_MISSING = {
    "https_tls": "未能完成HTTPS检测（域名未能解析），本项无法核验。",
    "search": "本次未进行站内搜索检测。",
    "ipv6_dns": IPV6_NOT_PROBED,
    "ipv6_home": IPV6_NOT_PROBED,
    "ipv6_links": IPV6_NOT_PROBED,
}


def require(snap: Snapshot, need: str) -> None:
    """Raise Unverifiable when a declared input is missing: "home" (the home page opened) or
    "probes:KIND" (the crawl recorded such probes)."""
    if need == "home":
        require_home(snap)
    elif need.startswith("probes:"):
        kind = need.removeprefix("probes:")
        if not snap.probes(kind):
            raise Unverifiable(PROBES_MISSING.get(kind, f"本次检测没有{kind}探测记录，本项无法核验。"))
    else:
        raise ValueError(f"unknown need {need!r}")


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    basis: str
    family: str
    func: Callable[[Snapshot, Context], Finding]
    remedy: str = ""  # what the office should do when the check fails (整改建议)
    # False when a picture of the evidence page would repeat what the finding must not (personal data)
    screenshots: bool = True
    needs: tuple[str, ...] = ()  # inputs tested before it runs (see `require`)


REGISTRY: dict[str, CheckSpec] = {}


def check(*, id: str, title: str, basis: str, family: str, remedy: str = "", needs: tuple[str, ...] = (),
          screenshots: bool = True):
    for need in needs:
        if need != "home" and not need.startswith("probes:"):
            raise ValueError(f"check {id!r}: unknown need {need!r}")

    def register(func):
        if id in REGISTRY:
            raise ValueError(f"check id {id!r} registered twice")

        @functools.wraps(func)
        def run(snap: Snapshot, ctx: Context) -> Finding:
            for need in needs:
                require(snap, need)
            try:
                return func(snap, ctx)
            except Verdict as verdict:  # a helper reached the conclusion early (e.g. no such column)
                return verdict.finding

        REGISTRY[id] = CheckSpec(id=id, title=title, basis=basis, family=family, func=run, remedy=remedy,
                                 needs=needs, screenshots=screenshots)
        return run

    return register


def all_checks() -> dict[str, CheckSpec]:
    import checks.library  # noqa: F401  (importing registers every check)

    return dict(REGISTRY)


@dataclass
class Result:
    spec: CheckSpec
    finding: Finding


def run_one(spec: CheckSpec, snap: Snapshot, ctx: Context) -> Result:
    try:
        finding = spec.func(snap, ctx)
        if not isinstance(finding, Finding):
            raise TypeError(f"check returned {type(finding).__name__}, not Finding")
        finding = cap_finding(finding, ctx.thresholds.get(LIMITS_KEY))
        name_pages(finding, snap)
    except Unverifiable as exc:
        finding = Finding(status=Status.UNVERIFIABLE, message=str(exc))
    except Exception as exc:  # a bug in one check must not stop the others
        finding = Finding(
            status=Status.ERROR,
            message="本项检测程序出错，结果不计入得分，请联系评估方。",
            details={"exception": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=5)},
        )
    return Result(spec=spec, finding=finding)


def name_pages(finding: Finding, snap: Snapshot) -> None:
    """Give each piece of evidence the title of the page it points to, so every verdict, a pass as
    much as a fail, names its page by title and address."""
    for evidence in finding.evidence:
        if evidence.url and not evidence.title:
            page = snap.page(evidence.url)
            evidence.title = page.title if page is not None else ""


def run_checks(snap: Snapshot, ctx: Context, only: list[str] | None = None) -> list[Result]:
    specs = all_checks()
    ids = only or sorted(specs)
    return [run_one(specs[check_id], snap, ctx) for check_id in ids]
