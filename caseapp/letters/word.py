"""The DOCX of a letter, built from its rendered HTML block by block (letterhead, number, title,
paragraphs, signature, date), so that the DOCX and the PDF carry the same paragraphs in order."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser


# Block classes of the letter HTML and how the DOCX sets them.
BLOCK_STYLES = {
    "letterhead": {"align": "center", "size": 26, "bold": True, "color": (0xC0, 0x00, 0x00), "space_after": 6},
    "number": {"align": "right"},
    "title": {"align": "center", "size": 22, "bold": True, "space_before": 12, "space_after": 12},
    "addressee": {"indent": False},
    "body": {"indent": True},
    "item": {"indent": True},
    "remedies": {"indent": True},
    "closing": {"indent": True},
    # 附件：1. ... with the later lines under the first item (the CSS's padding-left 5em, text-indent -3em).
    "enclosures": {"align": "left", "left_indent_chars": 5, "hanging_chars": 3, "space_before": 28},
    "seal": {"align": "right", "right_indent_chars": 4, "color": (0xC0, 0x00, 0x00), "space_before": 18},
    "signature": {"align": "right", "right_indent_chars": 2},
    "date": {"align": "right", "right_indent_chars": 2},
    "note": {"indent": False, "size": 14, "space_before": 12},
}
BLOCK_TAGS = {"h1", "p", "div"}


@dataclass
class Block:
    style: str
    text: str = ""


class _BlockParser(HTMLParser):
    """Collect the letter's blocks (elements with a known class) and their text, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, opens a block)
        self._current: Block | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("br",):
            if self._current is not None:
                self._current.text += "\n"
            return
        if tag in ("style", "script", "head", "title"):
            self._skip += 1
            self._stack.append((tag, False))
            return
        classes = (dict(attrs).get("class") or "").split()
        style = next((c for c in classes if c in BLOCK_STYLES), None)
        opens = tag in BLOCK_TAGS and style is not None and self._current is None
        if opens:
            self._current = Block(style)
        self._stack.append((tag, opens))

    def handle_endtag(self, tag):
        if tag == "br":
            return
        while self._stack:
            open_tag, opens = self._stack.pop()
            if open_tag in ("style", "script", "head", "title"):
                self._skip -= 1
            if opens and self._current is not None:
                self._current.text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", self._current.text).strip()
                self._current.text = re.sub(r"[ \t]+", " ", self._current.text)
                if self._current.text:
                    self.blocks.append(self._current)
                self._current = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._skip or self._current is None:
            return
        # Source newlines inside a block are layout, not text.
        self._current.text += re.sub(r"\s*\n\s*", "", data)


def html_blocks(html: str) -> list[Block]:
    """The letter's blocks in reading order, as the DOCX will hold them."""
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def render_docx(html: str) -> bytes:
    """A DOCX with the same paragraphs as the PDF: A4, GB/T 9704 margins, 仿宋 16 pt body."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    def set_font(style_or_run, east_asia: str, size: float, bold: bool = False):
        style_or_run.font.name = "Times New Roman"
        style_or_run.font.size = Pt(size)
        style_or_run.font.bold = bold
        rpr = style_or_run.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), east_asia)

    normal = doc.styles["Normal"]
    set_font(normal, "仿宋", 16)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)

    align = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT}
    for block in html_blocks(html):
        opts = BLOCK_STYLES[block.style]
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        if opts.get("align"):
            para.alignment = align[opts["align"]]
        elif opts.get("indent"):
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = Pt(32)  # two characters of 16 pt
        if opts.get("left_indent_chars"):
            fmt.left_indent = Pt(16 * opts["left_indent_chars"])
            fmt.first_line_indent = Pt(-16 * opts.get("hanging_chars", 0))
        if opts.get("right_indent_chars"):
            fmt.right_indent = Pt(16 * opts["right_indent_chars"])
        if opts.get("space_before"):
            fmt.space_before = Pt(opts["space_before"])
        if opts.get("space_after"):
            fmt.space_after = Pt(opts["space_after"])
        size = opts.get("size", 16)
        if size > 16:
            fmt.line_spacing = Pt(size * 1.6)
        lines = block.text.split("\n")
        for i, line in enumerate(lines):
            run = para.add_run(line)
            set_font(run, "宋体" if block.style in ("title", "letterhead") else "仿宋", size, opts.get("bold", False))
            if opts.get("color"):
                run.font.color.rgb = RGBColor(*opts["color"])
            if i < len(lines) - 1:
                run.add_break()
    out = io.BytesIO()
    doc.core_properties.title = next((b.text for b in html_blocks(html) if b.style == "title"), "")
    doc.save(out)
    return out.getvalue()
