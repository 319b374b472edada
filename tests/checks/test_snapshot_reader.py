"""The audit's snapshot reader keeps what it loads small without changing what the checks read."""

from checks.snapshot import Link, Snapshot
from crawler.snapshot import SnapshotWriter
from tests.snapshots import make_snapshot, page_html

NAV = "<a href='/zwgk/'>政务公开</a><a href='/xwzx/'>新闻中心</a>"


def test_outcome_without_loading_pages_matches_the_loaded_answer(tmp_path):
    path = tmp_path / "snapshot.sqlite"
    make_snapshot(path, {"http://a.test/": page_html(NAV), "http://a.test/gone": (404, page_html("无"))},
                  errors={"http://a.test/slow": "timeout"}, attachments={"http://a.test/a.pdf": 200}).close()
    writer = SnapshotWriter(path)  # a redirect: asked for /old, served from /new
    writer.page({"url": "http://a.test/old", "final_url": "http://a.test/new", "status": 200, "title": "新",
                 "text": "新", "html": "<p>新</p>", "depth": 1, "metadata": {}, "headers": {"ETag": '"x"'}})
    writer.close()
    asked = ["http://a.test/", "http://a.test/gone", "http://a.test/old", "http://a.test/new", "http://a.test/slow",
             "http://a.test/a.pdf", "http://a.test/never"]
    cold = Snapshot(path)
    from_rows = [cold.outcome(url) for url in asked]
    assert "_pages" not in cold.__dict__  # the run's outcome is decided without loading every page
    warm = Snapshot(path)
    warm.pages()
    assert from_rows == [warm.outcome(url) for url in asked]
    assert [(o.fetched, o.status, o.error) for o in from_rows] == [
        (True, 200, None), (True, 404, None), (True, 200, None), (True, 200, None), (False, None, "timeout"),
        (True, 200, None), (False, None, None)]
    assert warm.page("http://a.test/new").headers == {"ETag": '"x"'}  # read on demand, as stored
    cold.close()
    warm.close()


def test_links_share_repeated_strings_and_compare_as_before(tmp_path):
    pages = {f"http://a.test/p{n}.html": page_html(NAV + f"<a href='/p{n + 1}.html'>下一篇</a>") for n in range(3)}
    snap = make_snapshot(tmp_path / "snapshot.sqlite", pages)
    navigation = [link for link in snap.links() if link.anchor == "政务公开"]
    assert len(navigation) == 3 and len({id(link.target) for link in navigation}) == 1
    assert {link.source for link in navigation} == set(pages)
    first = navigation[0]
    assert first == Link(first.source, "http://a.test/zwgk/", "政务公开", "a", True, "")
    assert len(set(snap.links())) == len(snap.links())  # still hashable: checks put links in sets
    snap.close()
