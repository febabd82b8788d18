"""The eight kinds of PDF in which a probe once published a valid ID number (issue 21, item 6),
written with PyMuPDF: two show it on the page in a way text extraction in stream order misses, six
hide it where nobody reviews."""
from __future__ import annotations

import pymupdf

from tests.records.pdfs import _font

ID = "11010519491231002X"
PLAIN = "示范市教育局关于招生入学工作的通知"
FONT_SIZE = 11


def _doc(lines=(PLAIN,)) -> tuple[pymupdf.Document, pymupdf.Page]:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname="cjk", fontbuffer=_font())
    for i, line in enumerate(lines):
        page.insert_text((72, 90 + i * 20), line, fontname="cjk", fontsize=FONT_SIZE)
    return doc, page


def _bytes(doc: pymupdf.Document) -> bytes:
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def letter_spaced() -> bytes:
    """Each digit a separate glyph placed on its own (Word's 分散对齐)."""
    doc, page = _doc()
    page.insert_text((72, 130), "身份证号：", fontname="cjk", fontsize=FONT_SIZE)
    for i, ch in enumerate(ID):
        page.insert_text((140 + i * 14, 130), ch, fontname="cjk", fontsize=FONT_SIZE)
    return _bytes(doc)


def out_of_order() -> bytes:
    """The second half of the line drawn first, at its place, then the first half."""
    doc, page = _doc()
    line = f"申请人身份证号{ID}"
    first, second = line[:12], line[12:]
    x = 72 + pymupdf.Font(fontbuffer=_font()).text_length(first, fontsize=FONT_SIZE)
    page.insert_text((x, 130), second, fontname="cjk", fontsize=FONT_SIZE)
    page.insert_text((72, 130), first, fontname="cjk", fontsize=FONT_SIZE)
    return _bytes(doc)


def annotation() -> bytes:
    doc, page = _doc()
    page.add_text_annot((400, 100), f"张三 {ID}")
    page.add_freetext_annot(pymupdf.Rect(300, 300, 500, 340), f"身份证 {ID}", fontsize=9)
    return _bytes(doc)


def xmp() -> bytes:
    doc, _page = _doc()
    doc.set_xml_metadata(f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
                         f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
                         f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>张三 {ID}</dc:creator>'
                         f'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
    return _bytes(doc)


def outline() -> bytes:
    doc, _page = _doc()
    doc.set_toc([[1, f"张三 {ID}", 1]])
    return _bytes(doc)


def form_field() -> bytes:
    doc, page = _doc()
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_name = "id_number"
    widget.field_value = ID
    widget.rect = pymupdf.Rect(72, 200, 300, 220)
    page.add_widget(widget)
    return _bytes(doc)


def embedded_file() -> bytes:
    doc, _page = _doc()
    doc.embfile_add("a.txt", f"张三 {ID}".encode())
    return _bytes(doc)


def info_key() -> bytes:
    doc, _page = _doc()
    doc.set_metadata({"creator": f"张三 {ID}", "producer": ID})
    info = doc.xref_get_key(-1, "Info")[1].split()[0]
    doc.xref_set_key(int(info), "IdNumber", pymupdf.get_pdf_str(ID))
    return _bytes(doc)


VISIBLE = {"letter_spaced": letter_spaced, "out_of_order": out_of_order}
HIDDEN = {"annotation": annotation, "xmp": xmp, "outline": outline, "form_field": form_field,
          "embedded_file": embedded_file, "info_key": info_key}
