"""The forms on a page, read once per page for every rule that asks: search boxes (a column's own
search, as against the site-wide box the home page carries too) and application forms.

The crawl keeps only single-field site-search boxes (crawler/extract.search_forms, for the search
probe); a column's search may have several fields (标题, 文号), so the rules read the page itself."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from checks.snapshot import Page, Snapshot

_SEARCH_TYPES = ("text", "search")
_ENTRY_TYPES = ("text", "tel", "email")


@dataclass(frozen=True)
class Form:
    action: str                    # as written in the page
    path: str                      # the path it submits to
    search_fields: tuple[str, ...]  # names of its text/search inputs, sorted
    entry_fields: int              # text/tel/email inputs (an application form has several)
    textarea: bool


def page_forms(snap: Snapshot, page: Page) -> list[Form]:
    def read() -> list[Form]:
        found = []
        for form in BeautifulSoup(page.html, "lxml").find_all("form"):
            action = form.get("action") or ""
            kinds = [(tag.get("type") or "text").lower() for tag in form.find_all("input")]
            names = [tag.get("name") or "" for tag in form.find_all("input")]
            found.append(Form(
                action=action, path=urlsplit(urljoin(page.final_url, action)).path,
                search_fields=tuple(sorted(name for name, kind in zip(names, kinds) if kind in _SEARCH_TYPES)),
                entry_fields=sum(kind in _ENTRY_TYPES for kind in kinds),
                textarea=form.find("textarea") is not None))
        return found

    return snap.memo(("forms", page.url), read)


def own_search(snap: Snapshot, page: Page, home: Page, by_path: bool = False) -> bool:
    """Does the page carry a search box of its own — one the home page does not also carry (that one
    is the site-wide search)? Boxes are told apart by their action and fields, or `by_path` by where
    they submit to (one search page behind several forms)."""
    def boxes(of: Page) -> set:
        return {form.path if by_path else (form.action, form.search_fields)
                for form in page_forms(snap, of) if form.search_fields}

    return bool(boxes(page) - boxes(home))


def application_form(snap: Snapshot, page: Page) -> bool:
    """A form to write an application in: a text area or several fields (a search box is one field)."""
    return any(form.textarea or form.entry_fields >= 3 for form in page_forms(snap, page))
