"""Score findings with a profile from rulebook.yaml. Pure: findings in, score out."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reports.review import counted_status
from reports.statuses import SCORABLE

RULEBOOK = Path(__file__).with_name("rulebook.yaml")
# A run whose home page could not be read (down, an error page, a file instead of a page, a redirect
# to another site, a firewall) examined nothing else: it gets no total and this grade, not 0 points, and stays out of trends.
HOME_CHECK = "site.reachable"
UNASSESSABLE = "无法评估"
# numbers of the 预警 stage (checks/early_warning.py), not a check's
WARNING_THRESHOLDS = "warnings"


class RulebookError(Exception):
    pass


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckWeight(Strict):
    weight: float = Field(default=1, gt=0)   # share within the module (method "weighted")
    deduct: float | None = Field(default=None, gt=0)  # points lost on fail (method "deduction")


class Module(Strict):
    id: str
    title: str
    points: float = Field(gt=0)
    basis: str = ""
    bonus: bool = False  # a bonus module: counted only when the base score exceeds bonus_above
    checks: dict[str, CheckWeight] = Field(default_factory=dict)


class Grade(Strict):
    min: float
    label: str


class Veto(Strict):
    id: str
    title: str
    check: str
    status: list[str] = Field(default_factory=lambda: ["fail"])


class Profile(Strict):
    title: str
    # weighted: each module earns points × the weighted share of its checks' credit.
    # deduction: each module starts full and loses `deduct` per failing check, never below zero
    # (检查指标2019: deductions under one indicator never exceed its points).
    method: Literal["weighted", "deduction"] = "weighted"
    bonus_above: float = 80
    grades: list[Grade]
    veto_cap: float = 59
    vetoes: list[Veto] = Field(default_factory=list)
    modules: list[Module]
    # check id -> named numbers the check measures against (handed to checks as Context.thresholds)
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _points_add_up(self):
        total = sum(module.points for module in self.modules if not module.bonus)
        if abs(total - 100) > 1e-6:
            raise ValueError(f"module points add up to {total:g}, not 100")
        if self.method == "deduction":
            for module in self.modules:
                for check_id, weight in module.checks.items():
                    if weight.deduct is None:
                        raise ValueError(f"module {module.id}: {check_id} needs 'deduct' in a deduction profile")
        return self


class Rulebook(Strict):
    schema_: str = Field(alias="schema")
    profiles: dict[str, Profile]


def _line(text: str, path: list) -> int:
    """The line of the YAML key or list item at `path`, or of its deepest existing parent."""
    node, line = yaml.compose(text), 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((key, value) for key, value in node.value if key.value == str(part)), None)
            if pair is None:
                return line
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def load_profile(name: str = "default", path: Path = RULEBOOK, known_checks: set[str] | None = None) -> Profile:
    text = Path(path).read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
        book = Rulebook.model_validate(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RulebookError(f"{path}: line {mark.line + 1 if mark else '?'}: not valid YAML") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        line = _line(text, [part for part in error["loc"] if part != "schema_"])
        raise RulebookError(f"{path}: line {line}: {where}: {error['msg']}") from None
    if name not in book.profiles:
        raise RulebookError(f"{path}: no profile named '{name}' (have: {', '.join(book.profiles)})")
    profile = book.profiles[name]
    if name != "default" and "default" in book.profiles:
        # thresholds belong to the checks, not to a scoring method: unset ones come from the default
        profile.thresholds = {**book.profiles["default"].thresholds, **profile.thresholds}
    if known_checks is not None:
        places = [(check, ["modules", i, "checks", check]) for i, module in enumerate(profile.modules)
                  for check in module.checks]
        places += [(veto.check, ["vetoes", i, "check"]) for i, veto in enumerate(profile.vetoes)]
        # "findings" holds the limits every finding is cut to (checks/limits.py), not a check's numbers;
        # "warnings" the 预警 stage's (checks/early_warning.py)
        places += [(check, ["thresholds", check]) for check in profile.thresholds if check not in ("findings", WARNING_THRESHOLDS)]
        unknown = [(check, where) for check, where in places if check not in known_checks]
        if unknown:
            check, where = unknown[0]
            section = "default" if where[0] == "thresholds" and where[1] not in (raw["profiles"][name].get("thresholds") or {}) else name
            line = _line(text, ["profiles", section, *where])
            raise RulebookError(f"{path}: line {line}: profile '{name}': unknown check id '{check}'")
    return profile


def credit(finding: dict) -> float:
    if finding["status"] == "pass":
        return 1.0
    if finding["status"] == "fail":
        return 0.0
    partial = finding.get("score")
    return 0.5 if partial is None else max(0.0, min(1.0, float(partial)))


def module_score(module: Module, by_check: dict, method: str) -> float | None:
    """None when nothing in the module could be scored (not assessed, not zero)."""
    scored = [(by_check[c], w) for c, w in module.checks.items() if c in by_check and by_check[c]["status"] in SCORABLE]
    if not scored:
        return None
    if method == "deduction":
        lost = sum(weight.deduct * (1 - credit(finding)) for finding, weight in scored)
        return max(0.0, module.points - lost)
    total_weight = sum(weight.weight for _, weight in scored)
    return module.points * sum(credit(finding) * weight.weight for finding, weight in scored) / total_weight


def score(findings: list[dict], profile: Profile) -> dict:
    """The `score` object of result.json. Findings under an assessor's review count as it says."""
    by_check = {finding["check"]: {**finding, "status": counted_status(finding)} for finding in findings}
    modules = []
    for module in profile.modules:
        achieved = module_score(module, by_check, profile.method)
        modules.append({
            "id": module.id, "title": module.title, "points": module.points,
            "score": None if achieved is None else round(achieved, 1),
            "basis": module.basis, "bonus": module.bonus,
            "checks": [c for c in module.checks if c in by_check],
        })
    assessed = [m for m in modules if m["score"] is not None and not m["bonus"]]
    assessed_points = sum(m["points"] for m in assessed)
    total = round(100 * sum(m["score"] for m in assessed) / assessed_points, 1) if assessed_points else None
    bonus = sum(m["score"] for m in modules if m["bonus"] and m["score"] is not None)
    if total is not None and bonus and total > profile.bonus_above:
        total = round(total + bonus, 1)
    vetoes = [{"id": veto.id, "title": veto.title, "check": veto.check} for veto in profile.vetoes
              if veto.check in by_check and by_check[veto.check]["status"] in veto.status]
    if total is not None and vetoes:
        total = min(total, profile.veto_cap)
    home_unread = by_check.get(HOME_CHECK, {}).get("status") in ("fail", "unverifiable")
    if home_unread:  # nothing past the home page was examined: a score would only measure that
        total = None
    if vetoes:
        grade = profile.grades[-1].label
    elif home_unread:
        grade = UNASSESSABLE
    elif total is None:
        grade = "未评估"
    else:
        grade = next(g.label for g in profile.grades if total >= g.min)
    return {"total": total, "grade": grade, "vetoes": vetoes, "modules": modules,
            "assessed_points": assessed_points}
