"""Helpers for the office tests: log in as a role and submit a page's form with its CSRF token."""
from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_from


def version_from(html: str) -> str:
    """The hidden case version of the first form on a page."""
    match = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', html) or re.search(
        r'name="version" type="hidden" value="(\d+)"', html)
    assert match, "no version field on the page"
    return match.group(1)


@pytest.fixture
def office(app, login):
    """office(user) -> a logged-in test client of its own."""

    def make(user):
        client = app.test_client()
        assert login(user, c=client).status_code == 302
        return client

    return make


@pytest.fixture
def submit():
    """submit(client, url, data): GET the page, then POST its form with the CSRF token and case version."""

    def do(client, url, data=None, *, keep_version=None, **kw):
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        html = page.get_data(as_text=True)
        form = {"csrf_token": csrf_from(html)}
        if 'name="version"' in html:
            form["version"] = keep_version if keep_version is not None else version_from(html)
        form.update(data or {})
        return client.post(url, data=form, **kw)

    return do
