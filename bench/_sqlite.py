"""The app on a fresh SQLite database in a benchmark's temporary folder (shared by the benchmarks)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sqlite_app(folder: Path, name: str, **settings):
    """Migrate `folder/name.sqlite3` with `flask db upgrade` (as `make run` does) and return the app on
    it; `settings` are further config values (e.g. RATELIMIT_ENABLED=False)."""
    db_path = folder / f"{name}.sqlite3"
    env = {**os.environ, "CASEAPP_INSTANCE_DIR": str(folder), "CASEAPP_DATABASE_URL": f"sqlite:///{db_path}",
           "CASEAPP_DATA_DIR": str(folder / "data")}
    env.setdefault("CASEAPP_PUBLIC_URL", "http://127.0.0.1:5000")
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade", "heads"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from config import Config

    from caseapp import create_app

    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                                             "DATA_DIR": str(folder / "data"), **settings})
    return create_app(config)
