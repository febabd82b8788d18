"""Build the zh_CN catalogue from the per-area sources and list strings that lack a translation.

Sources live in caseapp/translations/<locale>/src/*.po, one file per area, so that work on
different areas never edits the same file. `python -m caseapp.core.i18n_build` compiles them
into LC_MESSAGES/messages.mo; `... missing` prints every msgid in the code without a translation.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "caseapp" / "translations"
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
METHOD_MAP = [("caseapp/**.py", "python"), ("templates/**.html", "jinja2")]


def load_sources(locale: str) -> Catalog:
    """Merge every source .po of a locale into one catalogue."""
    merged = Catalog(locale=locale)
    for path in sorted((TRANSLATIONS / locale / "src").glob("*.po")):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id and message.string:
                    merged.add(message.id, message.string)
    return merged


def compile_locale(locale: str) -> Path:
    """Write LC_MESSAGES/messages.mo for the locale's language.

    Babel parses "zh_CN" as zh_Hans_CN, whose catalogue lookup falls back to "zh" but never to
    "zh_CN", so the compiled catalogue goes under the language alone.
    """
    out = TRANSLATIONS / locale.split("_")[0] / "LC_MESSAGES" / "messages.mo"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        write_mo(fh, load_sources(locale))
    return out


def extracted_ids() -> set[str]:
    """Every message id used in the code and the templates."""
    ids: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}},
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def missing(locale: str = "zh_CN") -> list[str]:
    """Message ids used in the code that the locale does not translate."""
    catalogue = load_sources(locale)
    return sorted(i for i in extracted_ids() if i and catalogue.get(i) is None)


if __name__ == "__main__":
    if sys.argv[1:] == ["missing"]:
        for msgid in missing():
            escaped = msgid.replace("\\", "\\\\").replace('"', '\\"')
            print(f'msgid "{escaped}"\nmsgstr ""\n')
    else:
        print(compile_locale("zh_CN"))
