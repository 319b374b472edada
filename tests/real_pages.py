"""Where the real government pages the tests use live: inside the repository, listed in SOURCES.md."""

import json
from pathlib import Path

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
POLICIES = REAL / "govcn_policy_pages_2019"
POLICY_INDEX: list[dict] = json.loads((POLICIES / "index.json").read_text(encoding="utf-8"))
GOVCN_ARTICLE = REAL / "govcn_article_2021" / "govcn_20210801_content_5628785_wangyong_fangxun.html"
