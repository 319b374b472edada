"""The snapshot writer: every item the spider yields becomes a row of snapshot.sqlite."""

from __future__ import annotations

from crawler.snapshot import SnapshotWriter


class SnapshotPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.path = crawler.settings["GOVSCAN_SNAPSHOT"]
        self.writer: SnapshotWriter | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.writer = SnapshotWriter(self.path)
        # the spider re-reads a page's links when a shorter path to it turns up (depth propagation)
        self.crawler.spider.links_of = self.writer.links_from

    def close_spider(self, spider=None):
        frontier = getattr(self.crawler.spider, "frontier", None)
        if frontier is not None:
            self.writer.columns(frontier.column_rows())
        self.writer.close()

    def process_item(self, item, spider=None):
        kind = item["kind"]
        if kind == "links":
            self.writer.links(item["rows"])
        else:
            getattr(self.writer, kind)(item["row"])
        return item
