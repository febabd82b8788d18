import pytest

pytestmark = pytest.mark.browser


def test_home_page_renders_in_chinese(page, live_server, make_agency, screenshot):
    make_agency("SFJY", "示范市教育局")
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "示范市教育局" in page.content()
    screenshot("home")
