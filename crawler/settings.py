"""Scrapy settings for every govscan crawl. Per-site values (budget, robots, rendering, nameserver)
are layered on top by crawler/run.py from the target's configuration."""

BOT_NAME = "govscan"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    "Mozilla/5.0 (compatible; govscan/0.1; 政务公开第三方评估; "
    "+https://github.com/govscan/govscan)"
)
ROBOTSTXT_OBEY = True

# Polite by default: two requests at a time per host, adaptive delay.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 15
RETRY_TIMES = 1

# Every status reaches the spider: a 404 is an observation, not an exception.
HTTPERROR_ALLOW_ALL = True
REDIRECT_MAX_TIMES = 10
# A page of 50 MB is recorded as an error, not downloaded.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0

# The default resolver is IPv4-only; this one asks for both families.
TWISTED_DNS_RESOLVER = "scrapy.resolver.CachingHostnameResolver"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# The assessor's order (crawler/frontier.py) is carried by request priorities; FIFO queues keep
# discovery order within one priority (Scrapy's default LIFO would go depth-first). Depth is the
# spider's own meta key, so DepthMiddleware's count plays no part.
DEPTH_PRIORITY = 0
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
DOWNLOADER_MIDDLEWARES = {"crawler.spiders.portal.PageBudgetMiddleware": 50}

# The snapshot pipeline is synchronous: Scrapy's default of 100 parallel item tasks per response only
# costs task creation (a fifth of the crawl's CPU on a 2,000-page portal).
CONCURRENT_ITEMS = 1
ITEM_PIPELINES = {"crawler.pipelines.SnapshotPipeline": 100}
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

# Chromium from Debian (Playwright cannot download its own browser on our machines).
PLAYWRIGHT_BROWSER_TYPE = "chromium"
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Chromium upgrades http:// navigations to https:// first; a government site on plain HTTP must
    # be seen as a visitor sees it, without a TLS attempt on its HTTP port.
    "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
]
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2


def _skip_heavy_resources(request) -> bool:
    """Rendering is for links and lists: images, media and fonts only cost time and memory."""
    return request.resource_type in ("image", "media", "font")


PLAYWRIGHT_ABORT_REQUEST = _skip_heavy_resources
