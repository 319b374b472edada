"""Adapters for the list mechanisms of common government CMSs, so JS-paginated lists need no browser."""

from crawler.platforms import trs

ADAPTERS = [trs.pagination_urls]


def extra_urls(html: str, url: str) -> list[tuple[str, str]]:
    """(url, how) pairs a CMS adapter derives from a page that its plain links do not show."""
    found = []
    for adapter in ADAPTERS:
        found.extend(adapter(html, url))
    return found
