"""Known service portals (政务服务网) that districts link to for lists kept outside their own site."""

from __future__ import annotations

from urllib.parse import urlsplit

from checks.lexicon import SERVICE_PORTAL_HOSTS


def service_portal(url: str) -> str | None:
    """The known service-portal domain the URL belongs to, if any."""
    host = (urlsplit(url).hostname or "").lower()
    return next((known for known in SERVICE_PORTAL_HOSTS if host == known or host.endswith("." + known)), None)
