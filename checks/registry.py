"""The check registry: `@check(...)` declares a check; `run_checks` runs each one in isolation."""

from __future__ import annotations

import functools
import traceback
from dataclasses import dataclass
from typing import Callable

from checks.limits import LIMITS_KEY, cap_finding
from checks.model import Context, Finding, Status, Unverifiable, Verdict
from checks.snapshot import Snapshot


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


REGISTRY: dict[str, CheckSpec] = {}


def check(*, id: str, title: str, basis: str, family: str, remedy: str = "", screenshots: bool = True):
    def register(func):
        if id in REGISTRY:
            raise ValueError(f"check id {id!r} registered twice")

        @functools.wraps(func)
        def run(snap: Snapshot, ctx: Context) -> Finding:
            try:
                return func(snap, ctx)
            except Verdict as verdict:  # a helper reached the conclusion early (e.g. no such column)
                return verdict.finding

        REGISTRY[id] = CheckSpec(id=id, title=title, basis=basis, family=family, func=run, remedy=remedy,
                                 screenshots=screenshots)
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
