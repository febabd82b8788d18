"""The DOCX of a letter, built from its rendered HTML block by block (letterhead, number, title,
paragraphs, signature, date), so that the DOCX and the PDF carry the same paragraphs in order."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html.parser import HTMLParser


# Block classes of the letter HTML and how the DOCX sets them: sizes, line heights and spacing in
# points as reply_templates/_letter.css sets them, so that both break pages at the same place.
BLOCK_STYLES = {
    "letterhead": {"align": "center", "size": 26, "line": 34, "bold": True, "color": (0xC0, 0x00, 0x00),
                   "space_after": 4},
    "number": {"align": "right", "space_after": 10},
    "title": {"align": "center", "size": 22, "line": 34, "bold": True, "space_before": 12, "space_after": 16},
    "addressee": {"indent": False},
    "body": {"indent": True},
    "item": {"indent": True},
    "remedies": {"indent": True},
    "closing": {"indent": True},
    # 附件：1. ... with the later lines under the first item (the CSS's padding-left 5em, text-indent -3em).
    "enclosures": {"align": "left", "left_indent_chars": 5, "hanging_chars": 3, "space_before": 28},
    # The PDF draws the seal area over the signature and date, 28 pt below the text; the DOCX marks
    # it on the line above the signature, which takes the place of that gap.
    "seal": {"align": "right", "right_indent_chars": 4, "color": (0xC0, 0x00, 0x00)},
    "signature": {"align": "right", "right_indent_chars": 2},
    "date": {"align": "right", "right_indent_chars": 2},
    "note": {"indent": False, "size": 14, "line": 22, "space_before": 18},
}
BLOCK_TAGS = {"h1", "p", "div"}
# The closing paragraphs keep with the next one, as the PDF's break-after: avoid does, so that the
# signature block is never alone on its page and never split from its date (GB/T 9704 7.3.5).
# The remedies paragraph may split at any line (the PDF's orphans/widows 1): only its last line
# must go over with the closing line.
KEEP_WITH_NEXT = {"remedies", "closing", "enclosures", "seal", "signature"}
SIGNOFF = {"seal", "signature", "date"}

# Fonts by name, never by theme (a theme font resolves to whatever the reader's Office maps it to).
# GB/T 9704: 3号仿宋 body, 小标宋 title and letterhead (宋体 here: every Chinese system has it),
# 4号半角宋体 page numbers. The font table gives each its English alternate name, GB2312 charset
# and PANOSE class, from which Word picks a substitute when the font is missing (LibreOffice asks
# fontconfig for the name instead and ignores them).
BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋", "宋体", "Times New Roman"
FONT_TABLE = {
    "仿宋": {"altName": "FangSong", "panose1": "02010609060101010101", "family": "modern", "pitch": "fixed",
             "sig": ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")},
    "宋体": {"altName": "SimSun", "panose1": "02010600030101010101", "family": "auto", "pitch": "variable",
             "sig": ("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000")},
}
RED = "C00000"
BEIJING = timedelta(hours=8)
CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


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


def _rfonts(rpr, east_asia: str, latin: str) -> None:
    """Name every script's font explicitly and drop theme references, which would win over names."""
    from docx.oxml.ns import qn

    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        rfonts.set(qn(attr), name)
    # Quotation marks, dashes and ellipses are shared by both scripts: set them in the Chinese font.
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_font(target, east_asia: str, size: float, bold: bool = False, latin: str = LATIN_FONT) -> None:
    from docx.shared import Pt

    target.font.size = Pt(size)
    target.font.bold = bold
    _rfonts(target.element.get_or_add_rPr(), east_asia, latin)


def _document_defaults(doc) -> None:
    """Theme-free default fonts, zh-CN language, odd/even footers and the font table's fallbacks."""
    from docx.oxml.ns import qn
    from lxml import etree

    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _rfonts(rpr, BODY_FONT, LATIN_FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

    settings = doc.settings
    settings.odd_and_even_pages_header_footer = True
    theme_lang = settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")

    package = doc.part.package
    font_part = next(p for p in package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(font_part.blob)
    for name, spec in FONT_TABLE.items():
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): spec["altName"]})
        etree.SubElement(font, qn("w:panose1"), {qn("w:val"): spec["panose1"]})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        etree.SubElement(font, qn("w:family"), {qn("w:val"): spec["family"]})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): spec["pitch"]})
        etree.SubElement(font, qn("w:sig"), {qn(f"w:{attr}"): value for attr, value in zip(
            ("usb0", "usb1", "usb2", "usb3", "csb0", "csb1"), spec["sig"])})
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    # The template's thumbnail shows python-docx's sample page in file browsers: drop it.
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del package.rels[rid]


def _page_number_footer(footer, outer: str) -> None:
    """`— 1 —` in 4号 (14 pt) 宋体, one character in from the outer edge (GB/T 9704 7.5)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer.is_linked_to_previous = False
    para = footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT if outer == "right" else WD_ALIGN_PARAGRAPH.LEFT
    fmt = para.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.first_line_indent = Pt(0)
    fmt.space_before = fmt.space_after = Pt(0)
    if outer == "right":
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)

    def run(text: str = ""):
        r = para.add_run(text)
        _set_font(r, HEADING_FONT, 14, latin=HEADING_FONT)
        return r

    def field_char(kind: str):
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        run()._r.append(fld)

    run("— ")
    field_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run()._r.append(instr)
    field_char("separate")
    run("1")  # the cached result; every reader recomputes it per page
    field_char("end")
    run(" —")


# The children of w:pPr in the order the schema requires (Word refuses a file that breaks it).
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
             "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange")


def _insert_in_ppr(ppr, element) -> None:
    """Insert `element` among a w:pPr's children at its place in the schema's sequence."""
    from docx.oxml.ns import qn

    later = {qn(f"w:{name}") for name in PPR_ORDER[PPR_ORDER.index(element.tag.split("}")[1]) + 1:]}
    successor = next((child for child in ppr if child.tag in later), None)
    if successor is not None:
        successor.addprevious(element)
    else:
        ppr.append(element)


def _red_rule(para) -> None:
    """The red separator line under the letterhead: a bottom border as wide as the text block."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = para._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    # 1.5 pt (sz in eighths of a point) with 6 pt between text and line, as the PDF's CSS draws it.
    for attr, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", RED)):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    _insert_in_ppr(ppr, borders)


def _no_autospace(style) -> None:
    """No extra space between Chinese and Latin letters or digits (the PDF has none; Word and
    LibreOffice add a quarter em by default, which moves line and page breaks)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = style.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "0")
        _insert_in_ppr(ppr, element)


def _issue_date(blocks: list[Block]) -> date | None:
    """The letter's date as its date block prints it (2026年11月20日)."""
    text = next((b.text for b in blocks if b.style == "date"), "")
    match = CN_DATE.search(text)
    return date(*map(int, match.groups())) if match else None


def _core_properties(doc, *, title: str, author: str, issued_on: date | None) -> None:
    """Properties of the letter itself, none of python-docx's template values (author, 2013 dates)."""
    props = doc.core_properties
    props.title, props.author = title, author
    props.subject = props.keywords = props.category = props.comments = ""
    props.last_modified_by = ""
    props.revision = 1
    props.language = "zh-CN"
    if issued_on is not None:
        # Midnight of the issue date in Beijing, written in UTC as W3CDTF requires.
        stamp = datetime.combine(issued_on, datetime.min.time()) - BEIJING
        props.created = props.modified = stamp
    else:  # a draft without a date carries no date rather than a made-up one
        from docx.oxml.ns import qn

        element = props._element
        for tag in ("dcterms:created", "dcterms:modified"):
            for child in element.findall(qn(tag)):
                element.remove(child)


def render_docx(html: str, *, issued_on: date | None = None, agency_name: str | None = None) -> bytes:
    """A DOCX with the same paragraphs as the PDF and the GB/T 9704 layout: A4 and its margins,
    仿宋 3号 body, red line under the letterhead, `— n —` page numbers in the outer corners and
    the signature block kept with its date. `issued_on` and `agency_name` default to what the
    letter's date and signature print."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt, RGBColor

    blocks = html_blocks(html)
    doc = Document()
    _document_defaults(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The dashes' top 7 mm under the text block: 297 - 35 + 7 mm, less one 14 pt line.
    section.footer_distance = Mm(22)
    _page_number_footer(section.footer, "right")  # odd pages (the default footer)
    _page_number_footer(section.even_page_footer, "left")

    normal = doc.styles["Normal"]
    _set_font(normal, BODY_FONT, 16)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    _no_autospace(normal)

    align = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT}
    for index, block in enumerate(blocks):
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
        following = blocks[index + 1].style if index + 1 < len(blocks) else None
        if block.style in KEEP_WITH_NEXT or (block.style == "date" and following == "note"):
            fmt.keep_with_next = True
        if block.style == "remedies":
            fmt.widow_control = False
        if block.style in SIGNOFF or block.style in ("closing", "enclosures", "note"):
            fmt.keep_together = True
        if block.style == "letterhead":
            _red_rule(para)
        size = opts.get("size", 16)
        if opts.get("line"):
            fmt.line_spacing = Pt(opts["line"])
        lines = block.text.split("\n")
        for i, line in enumerate(lines):
            run = para.add_run(line)
            _set_font(run, HEADING_FONT if block.style in ("title", "letterhead") else BODY_FONT, size,
                      opts.get("bold", False))
            if opts.get("color"):
                run.font.color.rgb = RGBColor(*opts["color"])
            if i < len(lines) - 1:
                run.add_break()
    title = next((b.text for b in blocks if b.style == "title"), "")
    author = agency_name or next((b.text for b in blocks if b.style == "signature"), "")
    _core_properties(doc, title=title, author=author, issued_on=issued_on or _issue_date(blocks))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
