"""The snapshot writer: every item the spider yields becomes a row of snapshot.sqlite."""

from __future__ import annotations

from crawler.snapshot import SnapshotWriter


class SnapshotPipeline:
    def __init__(self, path: str):
        self.path = path
        self.writer: SnapshotWriter | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings["GOVSCAN_SNAPSHOT"])

    def open_spider(self, spider=None):
        self.writer = SnapshotWriter(self.path)

    def close_spider(self, spider=None):
        self.writer.close()

    def process_item(self, item, spider=None):
        kind = item["kind"]
        if kind == "links":
            self.writer.links(item["rows"])
        else:
            getattr(self.writer, kind)(item["row"])
        return item
