"""The CJK serif font embedded in letters, prepared once at install time.

Noto Serif CJK SC (Debian's fonts-noto-cjk) has the right look for official letters, but it ships
as a 26 MB collection of five faces: WeasyPrint then spends about 8 s per letter subsetting it.
`python -m caseapp.letters.fonts` (run by `make install`) extracts the Simplified Chinese face and
keeps only the characters letters use — GBK for the regular face (names and addresses may use rare
characters), GB 2312 for the bold face (titles) — writing two standalone OpenType files under
caseapp/static/fonts/. A letter then renders in about 0.15 s. The files are generated, never
committed. When they are missing, letters fall back to WenQuanYi Zen Hei through fontconfig (slower,
sans-serif) and a warning is logged.
"""
from __future__ import annotations

import logging
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "fonts"
FAMILY = "CaseappSerifSC"
FALLBACK_FAMILY = "WenQuanYi Zen Hei"
# Family names fontconfig knows the source faces by.
SOURCES = {
    "regular": ("Noto Serif CJK SC:style=Regular", "gbk"),
    "bold": ("Noto Serif CJK SC:style=Bold", "gb2312"),
}
# Punctuation and symbols of official letters, whatever the legacy charset holds.
EXTRA_CHARS = "〔〕［］“”‘’《》〈〉（）【】、，。；：？！…—–·　○〇●□■△▲☆★①②③④⑤⑥⑦⑧⑨⑩ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ％‰℃㎡×÷±≤≥￥"


def font_path(face: str) -> Path:
    """Where the prepared font of a face ("regular" or "bold") lives."""
    return FONT_DIR / f"caseapp-serif-sc-{face}.otf"


def fonts_ready() -> bool:
    """Whether both prepared font files exist."""
    return all(font_path(face).is_file() for face in SOURCES)


def _charset(name: str) -> set[int]:
    """Code points of a legacy double-byte charset, plus ASCII and the extra punctuation."""
    chars = set(range(0x20, 0x7F)) | {ord(c) for c in EXTRA_CHARS}
    lead = range(0x81, 0xFF) if name == "gbk" else range(0xA1, 0xF8)
    trail = range(0x40, 0xFF) if name == "gbk" else range(0xA1, 0xFF)
    for hi in lead:
        for lo in trail:
            try:
                chars.add(ord(bytes((hi, lo)).decode(name)))
            except UnicodeDecodeError:
                pass
    return chars


def _locate(pattern: str) -> tuple[str, int]:
    """The file and collection index of a fontconfig pattern, e.g. ("/usr/share/.../X.ttc", 2)."""
    out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", pattern],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    if len(out) < 3 or "Noto Serif CJK SC" not in out[2]:
        raise FileNotFoundError(f"font {pattern!r} not found (install Debian's fonts-noto-cjk)")
    return out[0], int(out[1] or 0)


def build_face(face: str) -> Path:
    """Extract and subset one face to its standalone OpenType file; returns its path."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    pattern, charset = SOURCES[face]
    path, index = _locate(pattern)
    font = TTFont(path, fontNumber=index, lazy=False)
    options = subset.Options()
    # Keep the features CJK typesetting uses (vertical forms, locale forms, proportional punctuation).
    options.layout_features = ["kern", "locl", "vert", "vrt2", "palt", "halt", "fwid", "hwid", "pwid"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    # Keep the source's glyph ids: WeasyPrint subsets the face again for each PDF and writes a
    # CID-keyed CFF font whose CIDs are these ids; with renumbered glyphs MuPDF and Ghostscript (most
    # print paths) drew blanks or boxes, while poppler looked right.
    options.retain_gids = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_charset(charset))
    subsetter.subset(font)
    FONT_DIR.mkdir(parents=True, exist_ok=True)
    out = font_path(face)
    tmp = out.with_suffix(".part")
    font.save(str(tmp))
    tmp.replace(out)
    return out


def font_face_css() -> str:
    """@font-face rules for the prepared fonts (empty, with a warning, when they are missing)."""
    if not fonts_ready():
        log.warning("Letter fonts not prepared (run `python -m caseapp.letters.fonts`); "
                    "falling back to %s, slower and sans-serif.", FALLBACK_FAMILY)
        return ""
    return "\n".join(
        f"@font-face {{ font-family: '{FAMILY}'; src: url('{font_path(face).as_uri()}'); "
        f"font-weight: {'bold' if face == 'bold' else 'normal'}; }}"
        for face in SOURCES
    )


def font_stack() -> str:
    """The CSS font-family list: the prepared face, then system CJK serif, then the fallback."""
    return f"'{FAMILY}', 'Noto Serif CJK SC', '{FALLBACK_FAMILY}', serif"


def main(argv: list[str]) -> int:
    """Prepare the fonts unless present (`--force` rebuilds)."""
    force = "--force" in argv
    todo = [face for face in SOURCES if force or not font_path(face).is_file()]
    if not todo:
        print(f"letter fonts ready in {FONT_DIR}")
        return 0
    started = time.monotonic()
    try:
        # The faces are independent: build them side by side (the GBK face takes a few minutes).
        with ProcessPoolExecutor(max_workers=len(todo)) as pool:
            paths = list(pool.map(build_face, todo))
    except (FileNotFoundError, subprocess.CalledProcessError) as err:
        print(f"cannot prepare letter fonts: {err}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"{path} ({path.stat().st_size // 1024} KB)")
    print(f"prepared in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
