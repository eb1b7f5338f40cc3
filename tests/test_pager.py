"""One pager (issue 12 §4): every paginated page includes templates/_pager.html."""

from pathlib import Path

from django.core.paginator import Paginator
from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parent.parent


def test_no_template_but_the_partial_draws_a_pager():
    templates = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert len(templates) > 20
    copies = [
        p.relative_to(ROOT).as_posix()
        for p in templates
        if "has_other_pages" in p.read_text(encoding="utf-8") and p != ROOT / "templates" / "_pager.html"
    ]
    assert copies == []


def test_the_pager_keeps_the_filters_and_hides_on_one_page():
    page = Paginator(range(120), 50).get_page(2)
    html = render_to_string("_pager.html", {"page": page, "query": "state=open"})
    assert '<nav class="pager">' in html
    assert 'href="?state=open&amp;page=1"' in html and 'href="?state=open&amp;page=3"' in html
    assert "第 2 页，共 3 页" in html

    plain = render_to_string("_pager.html", {"page": page})
    assert 'href="?page=1"' in plain and 'href="?page=3"' in plain

    assert render_to_string("_pager.html", {"page": Paginator(range(10), 50).get_page(1)}).strip() == ""
