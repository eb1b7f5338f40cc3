"""Helpers for page tests: a button refused because of the record's state (issue 12 §1)."""

import re
from html.parser import HTMLParser

REFUSED = re.compile(r'<(?:p|li) class="(?:error" role="alert" data-testid="refused|refused error)">([^<]*)<')


def refused_inline(client, url: str, data=None, *, back_to: str) -> str:
    """POST a page's button that the record's state refuses (a ``Conflict``): the answer redirects back
    to ``back_to`` (the record's page), which shows the reason as a refused message; return the reason."""
    response = client.post(url, data or {}, follow=True)
    assert response.redirect_chain, f"{url} answered {response.status_code}, not a redirect"
    assert response.redirect_chain[-1][0] == back_to, response.redirect_chain
    assert response.status_code == 200
    found = REFUSED.findall(response.content.decode())
    assert len(found) == 1 and found[0].strip(), found
    return found[0]


class _Actions(HTMLParser):
    """Every ``<form method="post" action=…>`` and ``<a href=…>`` of a page."""

    def __init__(self):
        super().__init__()
        self.posts: set[str] = set()
        self.links: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post" and attrs.get("action"):
            self.posts.add(attrs["action"])
        elif tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"])


def page_actions(html: str) -> tuple[set[str], set[str]]:
    """The URLs a page's forms post to, and the URLs it links to."""
    parser = _Actions()
    parser.feed(html)
    return parser.posts, parser.links


def check_buttons(client, page: str, may: dict[str, bool], urls: dict[str, str], *, prefixes=(), links=()) -> set:
    """Issue 12 §2: the page ``page`` shows a button (a form posting to ``urls[name]``, or a link for the
    names in ``links``) for exactly the actions ``may`` allows (``core.actions.available_actions``), and
    no form on the page posts to an action under ``prefixes`` that is not one of ``urls``. Answers the
    names shown."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    posts, hrefs = page_actions(response.content.decode())
    assert set(may) == set(urls), "every button of the table has its URL"
    shown = {name for name, url in urls.items() if url in (hrefs if name in links else posts)}
    allowed = {name for name, ok in may.items() if ok}
    assert shown == allowed, f"{page}: shown {sorted(shown)} but may {sorted(allowed)}"
    unknown = {url for url in posts if url.startswith(tuple(prefixes)) and url not in urls.values()}
    assert not unknown, f"{page}: buttons outside the table {sorted(unknown)}"
    return shown
