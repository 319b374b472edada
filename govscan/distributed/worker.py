"""`govscan worker`: a Celery worker that declares what its machine can do.

Its queues are its capabilities: `crawl` (any machine), `render` (Chromium installed), `ipv6`
(IPv6 outbound), `mail`. A worker without IPv6 never runs a site's IPv6 probes: it asks a worker of
the `ipv6` queue for them; without one the IPv6 checks read "could not check", never the site's failure.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from govscan.config import ConfigError
from govscan.distributed.app import CRAWL, IPV6, MAIL, QUEUES, RENDER, configure
from govscan.distributed.night import shared_history_url

CHROMIUM = Path("/usr/bin/chromium")  # crawler/settings.py's CHROMIUM_PATH
# A global IPv6 address (AliDNS); a UDP connect only asks the kernel for a route, nothing is sent.
IPV6_PROBE_ADDRESS = ("2400:3200::1", 53)


def has_ipv6_route() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.connect(IPV6_PROBE_ADDRESS)
        return True
    except OSError:
        return False


def capabilities() -> list[str]:
    found = [CRAWL, MAIL]
    if CHROMIUM.exists():
        found.append(RENDER)
    if has_ipv6_route():
        found.append(IPV6)
    return found


def choose_queues(queues_text: str | None) -> list[str]:
    """The queues declared, or all this machine is found to serve. A declared `ipv6` is trusted (an
    intranet may route IPv6 without a route to the internet); `render` without Chromium is refused."""
    if not queues_text:
        return capabilities()
    asked = [name.strip() for name in queues_text.split(",") if name.strip()]
    for name in asked:
        if name not in QUEUES:
            raise ConfigError(f"--queues: unknown queue '{name}' (known: {', '.join(QUEUES)})")
        if name == RENDER and not CHROMIUM.exists():
            raise ConfigError(f"--queues: render: Chromium is not installed ({CHROMIUM})")
    return list(dict.fromkeys(asked))


def start(broker_url: str, queues_text: str | None, concurrency: int | None) -> int:
    from govscan.nightly import default_jobs

    shared_history_url(os.environ)
    queues = choose_queues(queues_text)
    os.environ["GOVSCAN_WORKER_IPV6"] = "1" if IPV6 in queues else "0"  # read by the tasks it runs
    app = configure(broker_url)
    app.worker_main(["worker", "--queues", ",".join(queues), "--concurrency", str(concurrency or default_jobs()),
                     "--hostname", f"govscan-{os.getpid()}@{socket.gethostname()}", "--loglevel", "INFO",
                     "--without-gossip", "--without-mingle"])
    return 0
