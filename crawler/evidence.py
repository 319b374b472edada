"""Screenshots of the pages behind failing findings, taken with Debian's Chromium.

Network I/O, so it belongs to the gather side; the pipeline calls it after the audit with the
URLs the findings name, and the scorecard embeds the images so it stays a single file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from scrapy.settings import Settings

VIEWPORT = {"width": 1280, "height": 900}


def chromium_args(host_rules: dict[str, str] | None) -> list[str]:
    settings = Settings()
    settings.setmodule("crawler.settings")
    args = list(settings.getlist("CHROMIUM_ARGS"))
    if host_rules:
        args.append("--host-resolver-rules=" + ",".join(f"MAP {host} {ip}" for host, ip in host_rules.items()))
    return args


def shot_name(url: str) -> str:
    return "evidence/" + hashlib.sha1(url.encode()).hexdigest()[:12] + ".jpg"


def capture(urls: list[str], out_dir: Path, host_rules: dict[str, str] | None = None,
            timeout_s: float = 15, limit: int = 40) -> dict[str, str]:
    """url → screenshot path relative to out_dir, for the URLs that could be shot."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    wanted = [url for url in dict.fromkeys(urls) if url.startswith(("http://", "https://"))][:limit]
    if not wanted:
        return {}
    (out_dir / "evidence").mkdir(exist_ok=True)
    shots: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=chromium_args(host_rules))
        try:
            for url in wanted:
                page = browser.new_page(viewport=VIEWPORT)  # one page each: a failed load cannot spoil the next
                try:
                    page.goto(url, timeout=timeout_s * 1000, wait_until="load")
                    page.screenshot(path=str(out_dir / shot_name(url)), type="jpeg", quality=60)
                    shots[url] = shot_name(url)
                except PlaywrightError:
                    pass  # no screenshot is evidence missing, not a finding
                finally:
                    page.close()
        finally:
            browser.close()
    return shots
