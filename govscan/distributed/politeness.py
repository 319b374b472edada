"""Per-host politeness across the cluster: at most `concurrency_per_host` requests in flight at one
host from all workers together.

Each host (name and port: one server) has a sorted set of slots in Redis, scored by when each
expires. A request takes a slot before it is downloaded and gives it back with its response or
error; a crawler that dies leaves slots that expire after the download timeout. Scrapy's own
CONCURRENT_REQUESTS_PER_DOMAIN still bounds one crawl; this bounds all crawls together, because
several sites share hosts (a city's department sub-sites on one platform host).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from urllib.parse import urlsplit

import redis
import redis.asyncio

KEY = "govscan:host:{}"
SLOT_MARGIN_S = 5  # a slot outlives its request's download timeout by this much, then expires
# Drop expired slots; take one if fewer than the limit are held.
TAKE = """
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
if redis.call('zcard', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('zadd', KEYS[1], ARGV[3], ARGV[4])
  redis.call('pexpire', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


def host_key(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return KEY.format(f"{(parts.hostname or '').lower()}:{port}")


class HostSlotsMiddleware:
    """Scrapy downloader middleware, enabled by crawler/run.py when the job names a Redis URL."""

    META = "govscan_host_slot"

    def __init__(self, url: str, limit: int, ttl_s: float):
        self.url, self.limit, self.ttl_ms = url, limit, int(ttl_s * 1000)
        self.client: redis.asyncio.Redis | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings["GOVSCAN_HOST_SLOTS"], settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
                   settings.getfloat("DOWNLOAD_TIMEOUT") + SLOT_MARGIN_S)

    async def process_request(self, request):
        if self.client is None:  # created on the crawl's own event loop
            self.client = redis.asyncio.Redis.from_url(self.url)
        key, token = host_key(request.url), os.urandom(8).hex()
        while True:
            now_ms = int(time.time() * 1000)
            try:
                if await self.client.eval(TAKE, 1, key, now_ms, self.limit, now_ms + self.ttl_ms, token, self.ttl_ms):
                    break
            except redis.RedisError:  # the broker restarts: wait for it rather than be impolite
                await asyncio.sleep(1.0)
                continue
            await asyncio.sleep(random.uniform(0.02, 0.08))
        request.meta[self.META] = (key, token)  # copies (retries, redirects) take their own slot
        return None

    async def _give_back(self, request) -> None:
        slot = request.meta.pop(self.META, None)
        if slot is not None and self.client is not None:
            try:
                await self.client.zrem(*slot)
            except redis.RedisError:  # it expires by itself
                pass

    async def process_response(self, request, response):
        await self._give_back(request)
        return response

    async def process_exception(self, request, exception):
        await self._give_back(request)
        return None

