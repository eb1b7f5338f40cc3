"""Helpers for page tests: a button refused because of the record's state (issue 12 §1)."""

import re

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
