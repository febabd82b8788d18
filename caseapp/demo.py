"""Demo data: agencies, staff and realistic Chinese requests across statuses and dates."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from caseapp.accounts.models import Agency
from caseapp.accounts.operations import create_agency, create_department, create_user
from caseapp.calendar.service import load_calendar, seed_calendar
from caseapp.cases.closures import backfill_closures
from caseapp.cases.identity import (
    USCC_ALPHABET,
    applicant_key,
    format_tracking_number,
    hash_query_code,
    make_resident_id,
    make_uscc,
)
from caseapp.cases.models import Case, ClockPause
from caseapp.cases.outcomes import CODES
from caseapp.cases.search import index_rows
from caseapp.clock.rules import ClockFacts, Pause, compute_due, correction_due, fee_payment_deadline
from caseapp.core.audit import AuditEvent, chain_rows
from caseapp.core.clock import local_today, utcnow
from caseapp.core.db import Counter
from caseapp.disclosure.demo import load_demo_disclosure
from caseapp.extensions import db
from caseapp.fees.models import Fee
from caseapp.fees.rules import compute_fee
from caseapp.letters.seal import ensure_development_seal, seal_dir

DEMO_PASSWORD = "demo-pass-2026"
# Every demo case shares this query code so that a tester can track any demo case.
DEMO_QUERY_CODE = "DEMOCASE26"

AGENCIES = (
    ("SFJY", "示范市教育局", "示教信公〔{year}〕{seq}号", "jy",
     (("BGS", "办公室"), ("JCJY", "基础教育处"), ("ZCFG", "政策法规处"))),
    ("SFZJ", "示范市住房和城乡建设局", "示住建信公〔{year}〕{seq}号", "zj",
     (("BGS", "办公室"), ("FCJG", "房地产市场监管处"), ("ZFBZ", "住房保障处"))),
    ("SFHB", "示范市生态环境局", "示环信公〔{year}〕{seq}号", "hb",
     (("BGS", "办公室"), ("HPC", "环境影响评价处"), ("ZFJD", "执法监督处"))),
)

SUBJECTS = {
    "SFJY": (
        "{y}年示范市义务教育阶段学校招生入学工作实施意见及划片范围",
        "{d}区{y}年新建中小学校建设项目的立项批复文件",
        "{y}年度示范市民办学校年度检查结果",
        "示范市{y}年中小学教师招聘计划及岗位设置情况",
        "{d}区第{n}中学校舍安全鉴定报告",
        "{y}年示范市教育经费执行情况统计公告",
        "关于{d}区学前教育普惠性幼儿园认定的文件",
    ),
    "SFZJ": (
        "{d}区{road}旧住房成套改造项目的征收补偿方案",
        "{d}区{road}{n}号地块商品住房预售许可证及附件",
        "{y}年示范市公共租赁住房分配结果及轮候名单",
        "{d}区{road}加装电梯项目的规划审批文件",
        "示范市住宅专项维修资金{y}年度使用情况",
        "{d}区{road}{n}弄小区物业服务企业招标结果",
        "{y}年度示范市建筑施工安全生产检查通报",
    ),
    "SFHB": (
        "{d}区{road}{n}号工业项目环境影响报告书及批复",
        "{y}年示范市重点排污单位名录",
        "{d}区{road}垃圾转运站环境监测数据（{y}年）",
        "关于{d}区某化工企业{y}年行政处罚决定书",
        "{y}年度示范市生态环境状况公报所依据的监测数据",
        "{d}区{road}建设项目竣工环境保护验收材料",
        "{d}区河道水质{y}年第{n}季度监测报告",
    ),
}
DISTRICTS = ("东城", "西城", "南湖", "北山", "滨江", "新城", "高新")
ROADS = ("人民路", "建设路", "解放路", "和平街", "长江路", "中山路", "文化路", "滨河路")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建华", "晓东", "志强", "海燕", "玉兰", "文博", "思远", "雨萱")
ORG_NAMES = {
    "commercial_enterprise": ("示范市{d}置业有限公司", "示范{d}环保科技有限公司", "示范市{d}建筑工程有限公司"),
    "research_institution": ("示范大学公共管理学院", "示范市社会科学院", "示范市城市规划设计研究院"),
    "social_welfare_org": ("示范市绿色家园环保志愿者协会", "示范市{d}区社区发展基金会"),
    "legal_service_org": ("示范市{d}律师事务所", "示范正义律师事务所"),
    "other_org": ("示范市{d}区{road}业主委员会", "示范市消费者权益保护委员会"),
}
PURPOSES = (None, None, "了解本人相关权益", "学术研究", "维护小区业主合法权益", "了解周边环境情况", "办理相关手续需要")
OUTCOME_WEIGHTS = {
    "disclosed": 40, "partially_disclosed": 8, "withheld.third_party": 2, "withheld.process_info": 3,
    "withheld.internal_affairs": 1, "withheld.enforcement_file": 1, "withheld.state_secret": 0.2,
    "withheld.law_prohibited": 0.3, "withheld.three_safeties": 0.2, "withheld.administrative_query": 1,
    "unavailable.not_held": 14, "unavailable.needs_creation": 5, "unavailable.unclear_after_correction": 2,
    "not_handled.petition": 4, "not_handled.repeat": 2, "not_handled.publication": 1, "not_handled.excessive": 0.5,
    "not_handled.confirm_or_reissue": 1, "other.correction_lapsed": 2, "other.fee_unpaid": 0.3, "other.other": 2,
}
assert set(OUTCOME_WEIGHTS) == set(CODES)


def _resident_id(rng: random.Random) -> str:
    region = rng.choice(("310101", "310104", "320102", "330106", "110105", "440305"))
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    return make_resident_id(region, born, rng.randrange(0, 1000))


def _uscc(rng: random.Random) -> str:
    return make_uscc("91" + "310000" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9)))


def _fill(template: str, rng: random.Random, year: int) -> str:
    return template.format(y=year - rng.choice((0, 0, 1)), d=rng.choice(DISTRICTS), road=rng.choice(ROADS),
                           n=rng.randrange(1, 40))


def _setup_agencies() -> list[tuple[Agency, list]]:
    created = []
    for i, (code, name, pattern, short, departments) in enumerate(AGENCIES):
        # Settings of issue 9: a department of the city government asks the city government to reconsider.
        agency = create_agency(code, name, letter_number_pattern=pattern,
                               reconsideration_body="示范市人民政府",
                               letter_contact=f"联系电话：0100-1234567{i}；地址：示范市人民路{100 + 2 * i}号",
                               phone=f"0100-1234567{i}", address=f"示范市人民路{100 + 2 * i}号")
        depts = [create_department(agency, dcode, dname) for dcode, dname in departments]
        handlers = [
            create_user(f"{short}_clerk", DEMO_PASSWORD, "clerk", agency=agency, display_name=f"{name[3:]}经办人"),
            create_user(f"{short}_clerk2", DEMO_PASSWORD, "clerk", agency=agency, display_name=f"{name[3:]}经办人二"),
            create_user(f"{short}_supervisor", DEMO_PASSWORD, "supervisor", agency=agency,
                        display_name=f"{name[3:]}审核人"),
        ]
        create_user(f"{short}_liaison", DEMO_PASSWORD, "liaison", agency=agency, department=depts[1],
                    display_name=f"{depts[1].name}联络员")
        created.append((agency, handlers, depts))
    create_user("admin", DEMO_PASSWORD, "admin", agency=None, display_name="平台管理员")
    create_user("auditor", DEMO_PASSWORD, "auditor", agency=None, display_name="公开办监督员")
    return created


def load_demo(*, n_cases: int = 300, if_empty: bool = False, seed: int = 2026, today: date | None = None) -> str:
    """Create demo agencies, users and n_cases cases (bulk inserted); the caller commits."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Agency)):
        if if_empty:
            return "Database already has data; demo data not loaded."
        raise RuntimeError("demo data goes into an empty database only")
    seed_calendar()
    today = today or local_today()
    cal = load_calendar()
    rng = random.Random(seed)
    agencies = _setup_agencies()
    db.session.flush()
    code_hash = hash_query_code(DEMO_QUERY_CODE)
    start = date(today.year - 1, 1, 2)
    span = (today - start).days
    seqs: dict[tuple[int, int], int] = {}
    outcome_codes = list(OUTCOME_WEIGHTS)
    outcome_weights = list(OUTCOME_WEIGHTS.values())
    now = utcnow()
    rows: list[dict] = []
    fees: list[dict] = []
    # Spread receipts over the period, recent ones denser, so that the inbox has work in it.
    days = sorted(start + timedelta(days=int(span * (rng.random() ** 0.4))) for _ in range(n_cases))
    for received in days:
        received = cal.next_working_day(received)
        if received > today:
            received = today
        agency, handlers, depts = rng.choice(agencies)
        key = (agency.id, received.year)
        seqs[key] = seqs.get(key, 0) + 1
        atype = rng.choices(list(("natural_person",) + tuple(ORG_NAMES)), weights=(70, 12, 4, 4, 5, 5))[0]
        if atype == "natural_person":
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            id_type, id_number, org_code, contact = "resident_id", _resident_id(rng), None, None
        else:
            name = rng.choice(ORG_NAMES[atype]).format(d=rng.choice(DISTRICTS), road=rng.choice(ROADS))
            org_code = _uscc(rng)
            id_type, id_number, contact = "uscc", org_code, rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"
        subject = _fill(rng.choice(SUBJECTS[agency.code]), rng, received.year)
        channel = rng.choices(("online", "in_person", "post", "email", "fax", "oral"), weights=(70, 12, 12, 3, 2, 1))[0]
        delivery = rng.choices(("online", "email", "post", "pickup"), weights=(40, 25, 25, 10))[0]
        age = cal.working_days_between(received, today)
        status, outcome, closed_on, handler = "submitted", None, None, None
        correction = {}
        if age > 25 or (age > 8 and rng.random() < 0.6):
            roll = rng.random()
            if roll < 0.03:
                status, outcome = "withdrawn", "other.other"
            elif roll < 0.05 and age < 60:
                status = "in_progress"  # overdue stragglers for the supervision list
            else:
                status = "closed"
                outcome = rng.choices(outcome_codes, weights=outcome_weights)[0]
            if status != "in_progress":
                closed_on = min(cal.add_working_days(received, rng.randrange(3, 21)), today)
        elif age > 2:
            status = rng.choices(("in_progress", "correction_requested", "awaiting_fee", "submitted"),
                                 weights=(70, 12, 3, 15))[0]
        if status != "submitted":
            handler = rng.choice(handlers[:2])
        if status == "correction_requested":
            asked = cal.add_working_days(received, min(rng.randrange(2, 7), max(age, 1)))
            asked = min(asked, today)
            correction = dict(correction_details="请补充所需信息的文件名称、文号或者其他特征描述，以及形成时间范围。",
                              correction_requested_on=asked, correction_due_on=correction_due(asked, cal),
                              correction_notified_on=asked, correction_period_days=15,  # notice issued that day
                              correction_count=1)
        pauses: tuple[Pause, ...] = ()
        fee = None
        if status == "awaiting_fee":
            # A page-based fee for a large request, served 3-14 working days ago, so still within its
            # 20 working days for payment.
            served = min(cal.add_working_days(received, max(1, age - rng.randrange(3, 15))), today)
            quote = compute_fee("pages", rng.randrange(45, 160))
            fee = dict(basis=quote.basis, count=quote.count, amount=quote.amount, status="notified",
                       note=f"申请获取的政府信息共{quote.count}页，超过30页，按量计收信息处理费。",
                       proposed_by_id=handler.id, proposed_on=served, approved_on=served,
                       served_on=served, received_on=served, pay_by=fee_payment_deadline(served, cal),
                       created_at=now)
            pauses = (Pause("fee", served, None),)
        due = compute_due(ClockFacts(started_on=received, pauses=pauses), cal, today)
        seq = seqs[key]
        rows.append(dict(
            agency_id=agency.id,
            tracking_number=format_tracking_number(agency.tracking_pattern, agency.tracking_prefix, received.year, seq),
            query_code_hash=code_hash,
            applicant_type=atype, applicant_name=name, id_type=id_type, id_number=id_number, org_code=org_code,
            contact_person=contact, phone=phone, email=f"user{rng.randrange(10**5)}@example.com" if delivery == "email" else None,
            address=f"示范市{rng.choice(DISTRICTS)}区{rng.choice(ROADS)}{rng.randrange(1, 999)}号",
            postal_code=None, applicant_key=applicant_key(atype, id_number, org_code, name, phone),
            description=f"申请公开{subject}。", document_ref=None, purpose=rng.choice(PURPOSES),
            form=rng.choice(("paper", "electronic")), delivery=delivery, channel=channel,
            needs_assistance=rng.random() < 0.01, assistance_note=None,
            status=status, outcome=outcome,
            submitted_at=datetime.combine(received, time(2, 0), tzinfo=UTC),
            received_on=received, accepted_on=received if status not in ("submitted",) else None,
            closed_on=closed_on, handler_id=handler.id if handler else None,
            department_id=rng.choice(depts).id if rng.random() < 0.3 else None,
            clock_started_on=received, extension_days=0, due_on=due.due_on, due_provisional=due.provisional,
            correction_count=correction.get("correction_count", 0),
            correction_details=correction.get("correction_details"),
            correction_requested_on=correction.get("correction_requested_on"),
            correction_due_on=correction.get("correction_due_on"),
            correction_notified_on=correction.get("correction_notified_on"),
            correction_period_days=correction.get("correction_period_days"),
            created_at=now, updated_at=now, version=1,
        ))
        if fee:
            fees.append({**fee, "tracking_number": rows[-1]["tracking_number"]})
    for chunk in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Case), rows[chunk:chunk + 5000])
    backfill_closures()  # the annual report counts closure records
    _insert_events(rows, fee_served={fee["tracking_number"]: fee["served_on"] for fee in fees})
    _insert_fees(fees, supervisors={agency.id: handlers[2].id for agency, handlers, _ in agencies})
    _index_search(rows)
    for (agency_id, year), value in seqs.items():
        db.session.add(Counter(name="tracking", scope=f"{agency_id}:{year}", value=value))
    db.session.flush()
    load_demo_disclosure(today)  # similarity index, items, a filled public column
    # Fresh statistics after a bulk load, so that the query planner picks the selective indexes.
    db.session.execute(sa.text("ANALYZE"))
    # Each demo agency signs its letters with a development seal: a self-signed certificate whose
    # subject says 开发测试用 (development only), and a drawn seal image (caseapp/letters/seal.py).
    sealed = [a.code for a, _h, _d in agencies if ensure_development_seal(a.code, a.name)]
    seals = f" Development seals (开发测试用, not official) for {', '.join(sealed)} in {seal_dir()}." if sealed else ""
    return (f"Loaded {len(agencies)} agencies and {len(rows)} demo cases (password {DEMO_PASSWORD}, "
            f"query code {DEMO_QUERY_CODE}).{seals}")


def _insert_fees(fees: list[dict], *, supervisors: dict[int, int]) -> None:
    """Served fee notices for the demo cases awaiting payment, each with its open clock pause."""
    if not fees:
        return
    cases = {number: (case_id, agency_id) for number, case_id, agency_id in db.session.execute(
        sa.select(Case.tracking_number, Case.id, Case.agency_id).where(
            Case.tracking_number.in_([fee["tracking_number"] for fee in fees])))}
    fee_rows, pause_rows = [], []
    for fee in fees:
        case_id, agency_id = cases[fee.pop("tracking_number")]
        fee_rows.append({**fee, "case_id": case_id, "approved_by_id": supervisors[agency_id]})
        pause_rows.append(dict(case_id=case_id, kind="fee", started_on=fee["served_on"], ended_on=None))
    db.session.execute(sa.insert(Fee), fee_rows)
    db.session.execute(sa.insert(ClockPause), pause_rows)


def _index_search(rows: list[dict]) -> None:
    """Bulk-inserted cases bypass the ORM hook that indexes them for full-text search: index them here."""
    ids = dict(db.session.execute(sa.select(Case.tracking_number, Case.id)).all())
    index_rows({**row, "id": ids[row["tracking_number"]]} for row in rows)


def _insert_events(rows: list[dict], *, fee_served: dict[str, date]) -> None:
    ids = dict(db.session.execute(sa.select(Case.tracking_number, Case.id)).all())
    events = []
    for row in rows:
        case_id = ids[row["tracking_number"]]
        at = row["submitted_at"]
        events.append(dict(occurred_at=at, actor_id=None, actor_label="demo", agency_id=row["agency_id"],
                           case_id=case_id, action="case.registered",
                           after={"status": "submitted", "received_on": row["received_on"].isoformat()}))
        if row["accepted_on"]:
            events.append(dict(occurred_at=at, actor_id=row["handler_id"], actor_label="demo",
                               agency_id=row["agency_id"], case_id=case_id, action="case.accepted",
                               before={"status": "submitted"}, after={"status": "in_progress"}))
        if row["tracking_number"] in fee_served:
            served = fee_served[row["tracking_number"]]
            events.append(dict(occurred_at=datetime.combine(served, time(3, 0), tzinfo=UTC),
                               actor_id=row["handler_id"], actor_label="demo", agency_id=row["agency_id"],
                               case_id=case_id, action="case.fee_notice_served", before={"status": "in_progress"},
                               after={"status": "awaiting_fee"}))
        if row["status"] in ("closed", "withdrawn"):
            action = "case.closed" if row["status"] == "closed" else "case.withdrawn"
            events.append(dict(occurred_at=datetime.combine(row["closed_on"], time(3, 0), tzinfo=UTC),
                               actor_id=row["handler_id"], actor_label="demo", agency_id=row["agency_id"],
                               case_id=case_id, action=action, before={"status": "in_progress"},
                               after={"status": row["status"], "outcome": row["outcome"]}))
    chain_rows(events)  # the audit trail's hash chain, as record_event would build it
    for chunk in range(0, len(events), 10000):
        db.session.execute(sa.insert(AuditEvent), events[chunk:chunk + 10000])
