"""The baseline of bench/crawl_peers.py: the idiomatic bare Scrapy spider (LinkExtractor, Scrapy's
dupefilter, no parsing beyond the links, nothing stored). Run with `scrapy runspider`; it prints the
number of pages it received as its last line."""

from urllib.parse import urlsplit

import scrapy
from scrapy.linkextractors import LinkExtractor


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [url]
        self.allowed_domains = [urlsplit(url).hostname]  # Scrapy's offsite middleware keeps the crawl on the site
        self.links = LinkExtractor()
        self.pages = 0

    def parse(self, response):
        self.pages += 1
        for link in self.links.extract_links(response):
            yield response.follow(link.url, callback=self.parse)

    def closed(self, reason):
        print(f"pages {self.pages}")
