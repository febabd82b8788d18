"""GET /api/v1/stats/annual-report: the JSON shape, every format, and who is refused."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from caseapp.accounts.operations import create_token

NP = "natural_person"
COLUMNS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
           "legal_service_org", "other_org", "total"]
OUTCOME_ROWS = [
    "disclosed", "partially_disclosed", "withheld.state_secret", "withheld.law_prohibited",
    "withheld.three_safeties", "withheld.third_party", "withheld.internal_affairs", "withheld.process_info",
    "withheld.enforcement_file", "withheld.administrative_query", "unavailable.not_held",
    "unavailable.needs_creation", "unavailable.unclear_after_correction", "not_handled.petition",
    "not_handled.repeat", "not_handled.publication", "not_handled.excessive", "not_handled.confirm_or_reissue",
    "other.correction_lapsed", "other.fee_unpaid", "other.other",
]


@pytest.fixture
def small_year(script, db):
    """2025 for one agency: two received (one disclosed, one withdrawn), one received in 2024 still open."""
    s = script
    s.close(s.receive(NP, date(2025, 3, 3)), "disclosed", date(2025, 3, 20))
    s.withdraw(s.receive("commercial_enterprise", date(2025, 4, 1)), date(2025, 4, 3))
    s.receive(NP, date(2024, 12, 2))
    return s


def _get(client, token, query):
    return client.get(f"/api/v1/stats/annual-report?{query}", headers={"Authorization": f"Bearer {token}"})


def test_json_shape(client, db, small_year, make_user):
    auditor = make_user("auditor", agency=small_year.agency)
    token = create_token(auditor)
    db.session.commit()
    resp = _get(client, token, "year=2025")
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"year", "agency", "table3", "table4"}
    assert body["year"] == 2025 and body["agency"] == small_year.agency.code
    t3 = body["table3"]
    assert t3["columns"] == COLUMNS
    assert list(t3["rows"]) == ["received", "carried_in", *OUTCOME_ROWS, "handled", "carried_out"]
    assert all(list(row) == COLUMNS for row in t3["rows"].values())
    assert t3["rows"]["received"] == {"natural_person": 1, "commercial_enterprise": 1, "research_institution": 0,
                                      "social_welfare_org": 0, "legal_service_org": 0, "other_org": 0, "total": 2}
    assert t3["rows"]["carried_in"]["natural_person"] == 1
    assert t3["rows"]["other.other"]["commercial_enterprise"] == 1  # the withdrawal
    assert t3["rows"]["carried_out"]["total"] == 1
    assert t3["balanced"] is True
    assert body["table4"]["rows"]["reconsideration"]["total"] == 0


@pytest.mark.parametrize("role,status", [("clerk", 403), ("liaison", 403), ("auditor", 200), ("supervisor", 200),
                                         ("admin", 200)])
def test_who_may_read_the_report(client, db, small_year, make_user, role, status):
    user = make_user(role, agency=small_year.agency)
    token = create_token(user)
    db.session.commit()
    resp = _get(client, token, "year=2025")
    assert resp.status_code == status
    if status == 403:
        assert resp.get_json()["error"]["code"] == "forbidden"


def test_no_token_or_a_bad_one(client, db, small_year):
    assert client.get("/api/v1/stats/annual-report?year=2025").status_code == 401
    assert _get(client, "nonsense", "year=2025").status_code == 401


def test_agency_scope(client, db, small_year, make_user, make_agency):
    other = make_agency()
    bound = make_user("auditor", agency=small_year.agency)
    platform = make_user("auditor", agency=None)
    t_bound, t_platform = create_token(bound), create_token(platform)
    db.session.commit()
    assert _get(client, t_bound, f"year=2025&agency={other.code}").status_code == 404
    assert _get(client, t_platform, "year=2025&agency=NOSUCH").status_code == 404
    assert _get(client, t_platform, f"year=2025&agency={other.code}").get_json()["table3"]["rows"]["received"]["total"] == 0
    everyone = _get(client, t_platform, "year=2025").get_json()
    assert everyone["agency"] is None and everyone["table3"]["rows"]["received"]["total"] == 2


@pytest.mark.parametrize("query", ["year=", "year=abc", "year=1999", "year=2999", "year=2025&format=exe"])
def test_bad_input_is_refused_clearly(client, db, small_year, make_user, query):
    token = create_token(make_user("auditor", agency=small_year.agency))
    db.session.commit()
    resp = _get(client, token, query)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["message"]


def test_csv_has_bom_and_official_rows(client, db, small_year, make_user):
    token = create_token(make_user("supervisor", agency=small_year.agency))
    db.session.commit()
    resp = _get(client, token, "year=2025&format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0] == ["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    by_label = {r[0]: r[1:] for r in rows if r}
    assert by_label["一、本年新收政府信息公开申请数量"] == ["1", "1", "0", "0", "0", "0", "2"]
    assert by_label["三、本年度办理结果 （六）其他处理 3．其他"] == ["0", "1", "0", "0", "0", "0", "1"]
    assert by_label["勾稽关系核对（一＋二＝（七）＋四）"] == ["相符"] * 7


def test_xlsx_read_back(client, db, small_year, make_user):
    token = create_token(make_user("auditor", agency=small_year.agency))
    db.session.commit()
    resp = _get(client, token, "year=2025&format=xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    ws = wb["表三"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # The official header: the corner over 3 columns x 3 rows, 申请人情况 over the 7 data columns,
    # 自然人 and 总计 over two rows, 法人或其他组织 over its five kinds.
    assert {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5"} <= merged
    assert ws["A3"].value == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert ws["D3"].value == "申请人情况"
    assert [ws.cell(row=5, column=c).value for c in range(5, 10)] == ["商业企业", "科研机构", "社会公益组织",
                                                                       "法律服务机构", "其他"]
    assert ws["A6"].value == "一、本年新收政府信息公开申请数量" and "A6:C6" in merged
    assert [ws.cell(row=6, column=c).value for c in range(4, 11)] == [1, 1, 0, 0, 0, 0, 2]
    assert ws["A7"].value == "二、上年结转政府信息公开申请数量"
    assert ws["A8"].value == "三、本年度办理结果" and "A8:A29" in merged
    assert ws["B8"].value == "（一）予以公开" and "B8:C8" in merged
    assert ws["B10"].value == "（三）不予公开" and "B10:B17" in merged
    assert ws["C10"].value == "1．属于国家秘密"
    assert ws["B18"].value == "（四）无法提供" and "B18:B20" in merged
    assert ws["B21"].value == "（五）不予处理" and "B21:B25" in merged
    assert ws["B26"].value == "（六）其他处理" and "B26:B28" in merged
    assert ws["C28"].value == "3．其他" and ws["E28"].value == 1
    assert ws["B29"].value == "（七）总计" and ws["J29"].value == 2
    assert ws["A30"].value == "四、结转下年度继续办理" and ws["J30"].value == 1
    assert ws["A31"].value.startswith("勾稽关系核对") and ws["J31"].value == "相符"
    # One A4 landscape page.
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert int(ws.page_setup.fitToWidth) == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    t4 = wb["表四"]
    merged4 = {str(r) for r in t4.merged_cells.ranges}
    assert {"A3:E4", "F3:O3", "F4:J4", "K4:O4"} <= merged4
    assert t4["A3"].value == "行政复议" and t4["F3"].value == "行政诉讼"
    assert t4["F4"].value == "未经复议直接起诉" and t4["K4"].value == "复议后起诉"
    assert [t4.cell(row=5, column=c).value for c in range(1, 6)] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [t4.cell(row=6, column=c).value for c in range(1, 16)] == [0] * 15


def test_docx_and_pdf(client, db, small_year, make_user):
    from docx import Document
    from pypdf import PdfReader

    token = create_token(make_user("admin", agency=small_year.agency))
    db.session.commit()
    resp = _get(client, token, "year=2025&format=docx")
    assert resp.status_code == 200
    doc = Document(io.BytesIO(resp.data))
    t3 = doc.tables[0]
    assert t3.cell(0, 0).text.startswith("（本列数据的勾稽关系为")
    assert t3.cell(0, 0)._tc is t3.cell(2, 2)._tc  # the corner is one merged cell
    assert t3.cell(3, 0).text == "一、本年新收政府信息公开申请数量" and t3.cell(3, 9).text == "2"
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape
    assert doc.tables[1].cell(0, 0).text == "行政复议"

    resp = _get(client, token, "year=2025&format=pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(resp.data))
    text = reader.pages[0].extract_text()
    assert "收到和处理政府信息公开申请情况" in text and "本年新收政府信息公开申请数量" in text
    # Table 3 with its check row on the first page, Table 4 on the second.
    assert "结转下年度继续办理" in text and "勾稽关系核对" in text
    assert len(reader.pages) == 2 and "政府信息公开行政复议、行政诉讼情况" in reader.pages[1].extract_text()
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape


def test_openapi_lists_the_report(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/stats/annual-report"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"year", "agency", "format"}
    assert "AnnualReport" in doc["components"]["schemas"]
