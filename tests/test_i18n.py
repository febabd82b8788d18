"""Chinese first, English second, and no string left untranslated."""
from caseapp.core.i18n_build import missing


def test_every_message_has_a_chinese_translation():
    assert missing("zh_CN") == []


def test_chinese_by_default_and_english_on_request(client):
    page = client.get("/office/login").get_data(as_text=True)
    assert "工作人员登录" in page and 'lang="zh-CN"' in page
    page = client.get("/office/login?lang=en").get_data(as_text=True)
    assert "Staff log in" in page and 'lang="en"' in page
    # The choice sticks for the session.
    assert "Staff log in" in client.get("/office/login").get_data(as_text=True)
