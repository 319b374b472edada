"""Keep one finding's machine-readable part to a readable size: a page with 100,000 links must not
make a result.json of many megabytes. Lists are cut to the rulebook's `findings` limits and the cut
is counted; the full lists stay in snapshot.sqlite, from which a rescore derives them again."""

from __future__ import annotations

from dataclasses import replace

from checks.model import Finding

# thresholds key for limits that apply to every finding rather than to one check
LIMITS_KEY = "findings"


def _cap(value, limit: int, path: str, cut: dict):
    if isinstance(value, dict):
        return {key: _cap(item, limit, f"{path}.{key}" if path else key, cut) for key, item in value.items()}
    if isinstance(value, list):
        if len(value) > limit:
            cut[path] = {"shown": limit, "total": len(value)}
        return [_cap(item, limit, f"{path}[{i}]", cut) for i, item in enumerate(value[:limit])]
    return value


def cap_finding(finding: Finding, limits: dict | None) -> Finding:
    """The finding with every list in its details cut to `details_items` entries and its evidence to
    `evidence_items`; `details["capped"]` says what was cut and how many there were."""
    if not limits:
        return finding
    cut: dict = {}
    details = _cap(finding.details, int(limits["details_items"]), "", cut)
    evidence = finding.evidence
    if len(evidence) > int(limits["evidence_items"]):
        cut["evidence"] = {"shown": int(limits["evidence_items"]), "total": len(evidence)}
        evidence = evidence[: int(limits["evidence_items"])]
    if not cut:
        return finding
    return replace(finding, details={**details, "capped": cut}, evidence=evidence)
