"""Scoring follows rulebook.yaml: renormalisation, unverifiable never a failure, vetoes cap the score."""

import textwrap

import pytest

from checks.registry import all_checks
from reports.scoring import RulebookError, load_profile, score


def finding(check, status, partial=None):
    return {"check": check, "status": status, "score": partial}


def profile_from(tmp_path, body):
    path = tmp_path / "rulebook.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


BOOK = """
schema: govscan.rulebook/1
profiles:
  p:
    title: t
    grades: [{min: 90, label: 优秀}, {min: 60, label: 合格}, {min: 0, label: 不合格}]
    veto_cap: 59
    vetoes: [{id: V-AVAIL, title: 站点无法访问, check: site.availability}]
    modules:
      - {id: A, title: a, points: 40, checks: {site.availability: {weight: 1}, site.identity: {weight: 3}}}
      - {id: B, title: b, points: 60, checks: {disclosure.platform: {weight: 1}}}
"""


def test_default_rulebook_loads_with_known_checks():
    profile = load_profile("default", known_checks=set(all_checks()))
    assert sum(m.points for m in profile.modules) == 100


def test_partial_credit_and_renormalisation(tmp_path):
    profile = load_profile("p", profile_from(tmp_path, BOOK))
    result = score([finding("site.availability", "pass"), finding("site.identity", "warn", 0.5),
                    finding("disclosure.platform", "unverifiable")], profile)
    # Module A: 40 * (1*1 + 3*0.5) / 4 = 25; module B has nothing scorable and drops out.
    assert result["modules"][0]["score"] == 25.0
    assert result["modules"][1]["score"] is None
    assert result["total"] == 62.5 and result["grade"] == "合格"
    assert result["assessed_points"] == 40


def test_unverifiable_is_not_a_failure_and_not_applicable_drops_out(tmp_path):
    profile = load_profile("p", profile_from(tmp_path, BOOK))
    result = score([finding("site.availability", "pass"), finding("site.identity", "not_applicable"),
                    finding("disclosure.platform", "pass")], profile)
    assert result["total"] == 100.0 and result["grade"] == "优秀"


def test_veto_caps_the_score(tmp_path):
    profile = load_profile("p", profile_from(tmp_path, BOOK))
    result = score([finding("site.availability", "fail"), finding("site.identity", "pass"),
                    finding("disclosure.platform", "pass")], profile)
    assert result["vetoes"] == [{"id": "V-AVAIL", "title": "站点无法访问", "check": "site.availability"}]
    assert result["total"] == 59 and result["grade"] == "不合格"


@pytest.mark.parametrize("change,message,at", [
    ("points: 60", "add up to 90", "  p:"),  # a property of the whole profile
    ("disclosure.platform", "unknown check id 'disclosure.nonexistent'", "id: B"),
    ("title: b,", "modules.1.title", "id: B"),
])
def test_bad_rulebooks_are_rejected_with_the_place(tmp_path, change, message, at):
    body = {"points: 60": BOOK.replace("points: 60", "points: 50"),
            "disclosure.platform": BOOK.replace("disclosure.platform", "disclosure.nonexistent"),
            "title: b,": BOOK.replace("title: b,", "")}[change]
    with pytest.raises(RulebookError, match=message.replace("(", r"\(")) as raised:
        load_profile("p", profile_from(tmp_path, body), known_checks=set(all_checks()))
    # the message names the line to fix
    line = next(number for number, text in enumerate(textwrap.dedent(body).splitlines(), 1) if at in text)
    assert f": line {line}: " in str(raised.value)


DEDUCTION = """
schema: govscan.rulebook/1
profiles:
  d:
    title: t
    method: deduction
    bonus_above: 80
    grades: [{min: 60, label: 合格}, {min: 0, label: 不合格}]
    modules:
      - {id: A, title: a, points: 60, checks: {site.broken_links: {deduct: 5}, site.identity: {deduct: 100}}}
      - {id: B, title: b, points: 40, checks: {disclosure.platform: {deduct: 10}}}
      - {id: X, title: 加分, points: 30, bonus: true, checks: {disclosure.guide: {deduct: 30}}}
"""


def test_deduction_caps_per_indicator_and_bonus_only_above_80(tmp_path):
    profile = load_profile("d", profile_from(tmp_path, DEDUCTION), known_checks=set(all_checks()))
    base = [finding("site.broken_links", "fail"), finding("site.identity", "pass"),
            finding("disclosure.platform", "warn", 0.5), finding("disclosure.guide", "pass")]
    result = score(base, profile)
    # A: 60 - 5 = 55; B: 40 - 10 * 0.5 = 35; base 90 > 80, so the 30 bonus points count.
    assert [m["score"] for m in result["modules"]] == [55.0, 35.0, 30.0]
    assert result["total"] == 120.0
    capped = score([finding("site.identity", "fail"), finding("disclosure.platform", "pass"),
                    finding("disclosure.guide", "pass")], profile)
    # A loses 100 but never more than its 60 points; base 40 is below 80: no bonus.
    assert capped["modules"][0]["score"] == 0.0 and capped["total"] == 40.0 and capped["grade"] == "不合格"


def test_deduction_profile_needs_deduct_amounts(tmp_path):
    with pytest.raises(RulebookError, match="needs 'deduct'"):
        load_profile("d", profile_from(tmp_path, DEDUCTION.replace("{deduct: 10}", "{weight: 1}")))


def test_guoban2019_profile_loads():
    profile = load_profile("guoban2019", known_checks=set(all_checks()))
    assert profile.method == "deduction"
    assert next(m for m in profile.modules if m.id == "办事服务").points == 25
