"""caseapp.core.urls: absolute links from CASEAPP_PUBLIC_URL, and production mode refusing to start without it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from caseapp import create_app
from caseapp.core.urls import PublicURLError, is_production, normalise_public_url, public_host, public_url
from config import Config, TestConfig

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("given, expected", [
    ("https://ysqgk.example.gov.cn", "https://ysqgk.example.gov.cn"),
    ("https://ysqgk.example.gov.cn/", "https://ysqgk.example.gov.cn"),
    ("https://YSQGK.Example.gov.cn:8443/caseapp/", "https://ysqgk.example.gov.cn:8443/caseapp"),
    ("  http://127.0.0.1:5000 ", "http://127.0.0.1:5000"),
])
def test_normalise_public_url(given, expected):
    assert normalise_public_url(given) == expected


@pytest.mark.parametrize("given", ["ysqgk.example.gov.cn", "ftp://ysqgk.example.gov.cn", "https://",
                                   "https://a.example/?x=1", "https://a.example/#top", "https://u:p@a.example",
                                   "https://a.example:99999", "javascript:alert(1)"])
def test_unusable_public_urls_are_refused(given):
    with pytest.raises(PublicURLError):
        normalise_public_url(given)


def test_public_url_ignores_the_request_and_keeps_the_prefix(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://ysqgk.example.gov.cn/caseapp")
    with app.test_request_context("/", headers={"Host": "evil.example", "X-Forwarded-Host": "evil2.example"}):
        assert public_url("portal.track", tracking_number="SFJY-2026-000001") == \
            "https://ysqgk.example.gov.cn/caseapp/track?tracking_number=SFJY-2026-000001"
        assert public_url("public.entry", entry_id=7, _anchor="文件") == \
            "https://ysqgk.example.gov.cn/caseapp/public/entries/7#%E6%96%87%E4%BB%B6"
    # Outside a request too (the sweep's e-mails, the CLI).
    assert public_url("public.feed", agency="SFJY") == "https://ysqgk.example.gov.cn/caseapp/public/feed.atom?agency=SFJY"
    assert public_host() == "ysqgk.example.gov.cn"


@pytest.mark.parametrize("settings, production", [
    ({}, True), ({"DEBUG": True}, False), ({"TESTING": True}, False), ({"DEBUG": False, "TESTING": False}, True),
])
def test_production_mode_is_neither_debug_nor_testing(settings, production):
    assert is_production(settings) is production


def test_production_refuses_to_start_without_a_public_url(tmp_path):
    class Production(Config):
        PUBLIC_URL = None
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/p.sqlite3"
        DATA_DIR = str(tmp_path / "data")

    with pytest.raises(PublicURLError, match="CASEAPP_PUBLIC_URL is not set"):
        create_app(Production)

    class Malformed(Production):
        PUBLIC_URL = "ysqgk.example.gov.cn"

    with pytest.raises(PublicURLError, match="must be an http"):
        create_app(Malformed)

    class Configured(Production):
        PUBLIC_URL = "https://ysqgk.example.gov.cn/"

    assert create_app(Configured).config["PUBLIC_URL"] == "https://ysqgk.example.gov.cn"


def test_debug_and_tests_fall_back_to_the_local_address_never_the_host(tmp_path, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)

    class Testing(TestConfig):
        PUBLIC_URL = None
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/t.sqlite3"
        DATA_DIR = str(tmp_path / "data")

    app = create_app(Testing)
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert public_url("portal.track") == "http://127.0.0.1:5000/track"


@pytest.mark.parametrize("public, refused", [(None, True), ("https://ysqgk.example.gov.cn", False)])
def test_wsgi_entry_point_starts_only_with_the_public_url(tmp_path, public, refused):
    """`gunicorn wsgi:app` and `flask --app wsgi` load the production config from the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEAPP_")}
    env.update(CASEAPP_INSTANCE_DIR=str(tmp_path), CASEAPP_SECRET_KEY="k", CASEAPP_SCHEDULER="0",
               PYTHONPATH=str(ROOT))
    env.pop("FLASK_DEBUG", None)
    if public:
        env["CASEAPP_PUBLIC_URL"] = public
    done = subprocess.run([sys.executable, "-c", "import wsgi; print(wsgi.app.config['PUBLIC_URL'])"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    if refused:
        assert done.returncode != 0 and "CASEAPP_PUBLIC_URL is not set" in done.stderr
    else:
        assert done.returncode == 0 and done.stdout.strip() == public


def test_make_run_sets_a_local_public_url():
    """`make run` (and every target that starts the app) exports 127.0.0.1:$PORT unless it is set."""
    env = {k: v for k, v in os.environ.items() if k != "CASEAPP_PUBLIC_URL"}

    def recipe_env(**extra) -> str:
        done = subprocess.run(["make", "-s", "--eval", "print-public-url: ; @echo $$CASEAPP_PUBLIC_URL",
                               "print-public-url"], cwd=ROOT, capture_output=True, text=True, env={**env, **extra})
        return done.stdout.strip()

    assert recipe_env() == "http://127.0.0.1:5000"
    assert recipe_env(PORT="8080") == "http://127.0.0.1:8080"
    assert recipe_env(CASEAPP_PUBLIC_URL="https://ysqgk.example.gov.cn") == "https://ysqgk.example.gov.cn"
