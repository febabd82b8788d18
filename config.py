"""Configuration classes; every setting can be given through a CASEAPP_* environment variable."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CASEAPP_INSTANCE_DIR", BASE_DIR / "instance"))


def _secret_key() -> str:
    """Return CASEAPP_SECRET_KEY, or a key generated once and kept under instance/."""
    key = os.environ.get("CASEAPP_SECRET_KEY")
    if key:
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "CASEAPP_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'caseapp.sqlite3'}"
    )
    # A database server may drop idle connections, so they are tested on checkout; a SQLite file
    # cannot, and the test (a SELECT 1 per request) was a tenth of a tracking lookup's time.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": not SQLALCHEMY_DATABASE_URI.startswith("sqlite")}
    DATA_DIR = os.environ.get("CASEAPP_DATA_DIR", str(INSTANCE_DIR / "data"))
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    TIMEZONE = "Asia/Shanghai"
    # Query codes are stored as HMAC-SHA256 under this key; without it, a key derived from
    # SECRET_KEY is used (then rotating SECRET_KEY invalidates every query code: set this one).
    QUERY_CODE_KEY = os.environ.get("CASEAPP_QUERY_CODE_KEY") or None
    # memory:// counts per process; give redis://host:6379 when several workers or hosts serve.
    RATELIMIT_STORAGE_URI = os.environ.get("CASEAPP_RATELIMIT_STORAGE_URI", "memory://")
    LOGIN_RATE_LIMIT = "10 per 15 minutes"
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    # (0: none, the client address is the socket's peer).
    TRUSTED_PROXIES = int(os.environ.get("CASEAPP_TRUSTED_PROXIES", "0") or 0)
    # The whole request body (all files of one submission together): one 20 MB file still fits,
    # also base64-encoded in JSON; a larger body is refused (413) before it is read.
    MAX_CONTENT_LENGTH = int(os.environ.get("CASEAPP_MAX_CONTENT_LENGTH", str(30 * 1024 * 1024)))
    # Public lookup answers kept per process (caseapp/core/stamped_cache.py); 0 builds every answer.
    LOOKUP_CACHE_SIZE = int(os.environ.get("CASEAPP_LOOKUP_CACHE_SIZE", "2048"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("CASEAPP_SECURE_COOKIES", "0") == "1"
    # Strict-Transport-Security is sent only when the site is served over HTTPS (secure cookies).
    HSTS = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None
    # Working-day thresholds of SPEC §4 (design choices, configurable).
    DUE_SOON_DAYS = int(os.environ.get("CASEAPP_DUE_SOON_DAYS", "5"))
    MAIL_SERVER = os.environ.get("CASEAPP_MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("CASEAPP_MAIL_PORT", "25"))
    MAIL_SENDER = os.environ.get("CASEAPP_MAIL_SENDER", "noreply@caseapp.invalid")
    # Each agency's electronic seal, never in the database: <CODE>.p12 (key and certificate),
    # <CODE>.png (seal image) and <CODE>.pass (the P12's passphrase, unless the environment has
    # CASEAPP_SEAL_PASSPHRASE_<CODE>); see caseapp/letters/seal.py. Keep it out of the web root.
    SEAL_DIR = os.environ.get("CASEAPP_SEAL_DIR", str(INSTANCE_DIR / "seals"))
    # The site's public address (scheme, host, optional path prefix): every absolute link the app
    # writes (feed, receipts and their QR codes, e-mails, verification links) is built from it,
    # never from the request's Host header. Required in production mode (caseapp.core.urls);
    # `make run` sets http://127.0.0.1:$PORT.
    PUBLIC_URL = os.environ.get("CASEAPP_PUBLIC_URL", "").strip() or None


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("CASEAPP_TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    # A cheap hash keeps the suite fast; production uses werkzeug's default (scrypt).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # No agency has a seal unless a test gives it one in a directory of its own (tests/letters/test_seal.py).
    SEAL_DIR = None
    # The test client's own host, so that links in pages and e-mails look as they always have.
    PUBLIC_URL = "http://localhost"
