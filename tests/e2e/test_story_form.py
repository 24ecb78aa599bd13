"""The story form as a reporter writes in it, in a real browser (issue 20)."""

import pytest

from tests.factories import make_section, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_browser_spellchecks_every_field_a_reporter_writes_in(log_in, db):
    make_user("reporter", group="Reporters")
    make_section("Naval", slug="naval")
    page = log_in("reporter")
    page.goto("/admin/articles/article/add/")
    body = page.locator(".field-body [contenteditable=true]")
    body.wait_for()
    assert body.evaluate("element => element.spellcheck") is True
    switched_off = page.evaluate(
        """() => [...document.querySelectorAll(
                "input[type=text], textarea, [contenteditable=true]")]
            .filter((element) => !element.spellcheck)
            .map((element) => element.name || element.className)"""
    )
    assert switched_off == []
