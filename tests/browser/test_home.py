import pytest

pytestmark = pytest.mark.browser


def test_it_shows_the_home_page_in_chromium(page):
    page.goto(page.base_url + "/")
    assert "Disdukcapil" in page.locator("h1").inner_text()
