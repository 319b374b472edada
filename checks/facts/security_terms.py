"""The words and domains that mark injected content (security_terms.yaml), loaded once."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

TERMS_FILE = Path(__file__).with_name("security_terms.yaml")


@lru_cache(maxsize=1)
def terms() -> tuple[re.Pattern, tuple[str, ...], int]:
    """(spam-word pattern, blocked domains, how many hidden outbound links make a link farm)."""
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    words = [word for group in data["terms"].values() for word in group]
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    return pattern, tuple(data.get("blocked_domains") or ()), int(data["hidden_outbound_min"])


def blocked(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)
