"""Every verdict names the page it rests on: over the whole demo portal and over a bare site where
most columns are missing, each judged finding (pass included) carries a page by address, and a
page the crawl fetched also by its title (filled in by the registry)."""

from datetime import date

import pytest

from checks.model import Status
from checks.registry import run_checks
from tests.checks.test_interpretation import demo_context, demo_snapshot
from tests.snapshots import make_snapshot, page_html

TODAY = date(2026, 11, 25)
UNJUDGED = (Status.UNVERIFIABLE, Status.NOT_APPLICABLE, Status.ERROR)


def unnamed(snap) -> tuple[list, list]:
    results = run_checks(snap, demo_context(TODAY))
    judged = [r for r in results if r.finding.status not in UNJUDGED]
    assert judged
    without_page = [r.spec.id for r in judged if not any(e.url for e in r.finding.evidence)]
    without_title = [(r.spec.id, e.url) for r in judged for e in r.finding.evidence
                     if e.url and snap.page(e.url) is not None and snap.page(e.url).title and not e.title]
    return without_page, without_title


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_snapshot(tmp_path_factory.mktemp("demo"), TODAY)


def test_every_verdict_on_the_demo_portal_names_its_page(demo):
    assert unnamed(demo) == ([], [])


def test_every_not_found_names_where_it_was_looked_for(tmp_path):
    bare = make_snapshot(tmp_path / "s.sqlite", {"http://a.test/": page_html("<p>欢迎访问</p>", title="测试区人民政府")})
    assert unnamed(bare) == ([], [])
