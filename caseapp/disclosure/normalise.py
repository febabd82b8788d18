"""What a request's text says once the ways of writing it are taken out (pure functions, no database).

Before two requests are compared, each is brought to one way of writing:

- traditional characters to simplified (OpenCC, ``t2s``), full-width digits and letters to ASCII
  (NFKC), Chinese numerals before a counter (二〇二五年, 第十二号, 二季度) to digits (cn2an);
- dates and periods to intervals of days: 2025年, 二季度 / 第二季度 / 4—6月 / 2025年4月至6月 /
  2025年Q2, 上半年, 去年 / 今年 / 上个月 (anchored on the day the request was received);
- document numbers to ``year-number`` (〔2025〕12号 / [2025]12号 / (2025)12号 / 2025年第12号) and
  codes to letters and number (WJ05 / WJ-05 / WJ 05 are ``WJ5``);
- named things: companies (short name against registered name), projects, numbered lines,
  buildings, plots and sections, villages, towns and districts; and the kind of document asked for
  (a decision is not its implementation plan nor its compensation scheme).

The vocabulary (synonyms and umbrella terms: 三公经费 and its three parts) is applied later, at
comparison, so that an office's change to it counts at once (caseapp.disclosure.vocabulary).
"""
from __future__ import annotations

import calendar
import re
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import cn2an
import opencc

from caseapp.core.clock import local_today


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


CN_DIGITS = "〇零一二三四五六七八九十百千两"
_NUMERAL = re.compile(rf"(?<![上下同统])[{CN_DIGITS}]+(?=\s*(?:年|月|日|号|季度|批|期|届|次|项|条|款|件|标段|地块|号线|号楼|个月))"
                      rf"|(?<=第)[{CN_DIGITS}]+")
_CN_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}


def _numeral(text: str) -> str:
    if all(c in _CN_VALUE for c in text) and len(text) == 4:  # a year read digit by digit: 二〇二五
        return "".join(str(_CN_VALUE[c]) for c in text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return str(cn2an.cn2an(text, "smart"))
        except (ValueError, KeyError):
            return text


def clean(text: str) -> str:
    """Simplified characters, ASCII digits and letters, Arabic numerals before counters, one space."""
    text = _t2s().convert(text or "")
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("—", "-").replace("–", "-").replace("－", "-").replace("~", "-").replace("～", "-")
    text = _NUMERAL.sub(lambda m: _numeral(m.group(0)), text)
    return re.sub(r"\s+", " ", text).strip()


# --- periods ---------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end

    def label(self) -> str:
        """The period in Chinese: 2025年, 2025年第二季度, 2025年4月至6月, 2025年3月1日."""
        s, e = self.start, self.end
        if s == e:
            return f"{s.year}年{s.month}月{s.day}日"
        if s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31:
            return f"{s.year}年" if s.year == e.year else f"{s.year}年至{e.year}年"
        if s.year == e.year and s.day == 1 and e == _month_end(e.year, e.month):
            if s.month == e.month:
                return f"{s.year}年{s.month}月"
            quarter = {(1, 3): "第一季度", (4, 6): "第二季度", (7, 9): "第三季度", (10, 12): "第四季度",
                       (1, 6): "上半年", (7, 12): "下半年"}.get((s.month, e.month))
            return f"{s.year}年{quarter}" if quarter else f"{s.year}年{s.month}月至{e.month}月"
        return f"{s.isoformat()}至{e.isoformat()}"

    def as_list(self) -> list[str]:
        return [self.start.isoformat(), self.end.isoformat()]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(year: int, first: int, last: int) -> Period | None:
    if not (1 <= first <= 12 and 1 <= last <= 12 and first <= last and 1990 <= year <= 2100):
        return None
    return Period(date(year, first, 1), _month_end(year, last))


def _year(year: int) -> Period | None:
    return Period(date(year, 1, 1), date(year, 12, 31)) if 1990 <= year <= 2100 else None


YEAR = r"((?:19|20)\d{2})"
_RANGE_YEARS = re.compile(rf"{YEAR}\s*年?\s*(?:-|至|到)\s*{YEAR}\s*年")
_FULL_DATE = re.compile(rf"{YEAR}\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*[日号]|{YEAR}\s*([-/.])\s*(\d{{1,2}})\s*\5\s*(\d{{1,2}})(?!\d)")
_MONTH_RANGE = re.compile(rf"(?:{YEAR}\s*年\s*(?:度\s*)?)?(\d{{1,2}})\s*月?\s*(?:-|至|到|—)\s*(?:{YEAR}\s*年\s*)?(\d{{1,2}})\s*月")
_QUARTER = re.compile(rf"(?:{YEAR}\s*年\s*(?:度\s*)?)?(?:第\s*([1-4])\s*季度|([1-4])\s*季度|[Qq]\s*([1-4])(?!\d))")
_HALF = re.compile(rf"(?:{YEAR}\s*年\s*(?:度\s*)?)?([上下])\s*半\s*年")
_MONTH = re.compile(rf"(?:{YEAR}\s*年\s*)?(?<!\d)(\d{{1,2}})\s*月(?!\s*\d{{1,2}}\s*日)(?!份?\s*(?:-|至|到))")
_DOT_MONTH = re.compile(rf"(?<!\d){YEAR}\s*[.\-/]\s*(\d{{1,2}})(?![\d.\-/])")
_YEAR_ONLY = re.compile(rf"(?<!\d){YEAR}\s*(?:年度|年|财年)")
_RELATIVE_YEAR = {"去年": -1, "上年": -1, "上一年": -1, "上年度": -1, "前年": -2, "今年": 0, "本年": 0,
                  "本年度": 0, "当年": 0}
_RELATIVE = re.compile(r"(去年|上一年|上年度|上年|前年|今年|本年度|本年|当年|上个月|上月|本月|这个月|上季度|上个季度|本季度)")


def periods(text: str, received_on: date | None) -> tuple[list[Period], str]:
    """The periods a (cleaned) text names, and the text with them taken out.

    A period without a year takes the year named elsewhere in the request, or the year the request
    was received in (the year before when that period had not begun by then); 去年 and 上个月 count
    from the day of receipt. Document numbers must be taken out first (their year is no period).
    """
    anchor = received_on or local_today()
    found: list[Period] = []
    rest = text

    def relative_year(m: re.Match) -> str:
        word = m.group(1)
        if word in _RELATIVE_YEAR:
            return f"{anchor.year + _RELATIVE_YEAR[word]}年"
        if word in ("上个月", "上月"):
            prev = anchor.replace(day=1) - timedelta(days=1)
            return f"{prev.year}年{prev.month}月"
        if word in ("本月", "这个月"):
            return f"{anchor.year}年{anchor.month}月"
        quarter = (anchor.month - 1) // 3 + 1
        if word in ("上季度", "上个季度"):
            year, quarter = (anchor.year, quarter - 1) if quarter > 1 else (anchor.year - 1, 4)
        else:
            year = anchor.year
        return f"{year}年第{quarter}季度"

    rest = _RELATIVE.sub(relative_year, rest)
    named_years = [int(y) for y in re.findall(rf"(?<!\d){YEAR}\s*年", rest)]
    default_year = named_years[-1] if named_years else None

    def year_for(explicit: str | None, first_month: int) -> int:
        if explicit:
            return int(explicit)
        if default_year:
            return default_year
        return anchor.year if date(anchor.year, first_month, 1) <= anchor else anchor.year - 1

    def take(pattern: re.Pattern, make) -> None:
        nonlocal rest

        def one(m: re.Match) -> str:
            period = make(m)
            if period is None:
                return m.group(0)
            found.append(period)
            return " "
        rest = pattern.sub(one, rest)

    take(_RANGE_YEARS, lambda m: Period(date(int(m.group(1)), 1, 1), date(int(m.group(2)), 12, 31))
         if 1990 <= int(m.group(1)) <= int(m.group(2)) <= 2100 else None)
    take(_FULL_DATE, lambda m: _day(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m.group(1)
         else _day(int(m.group(4)), int(m.group(6)), int(m.group(7))))
    take(_MONTH_RANGE, lambda m: _months(year_for(m.group(1), int(m.group(2))), int(m.group(2)), int(m.group(4)))
         if not m.group(3) or m.group(3) == (m.group(1) or m.group(3)) else None)
    take(_DOT_MONTH, lambda m: _months(int(m.group(1)), int(m.group(2)), int(m.group(2))))
    take(_QUARTER, lambda m: _quarter(m, year_for))
    take(_HALF, lambda m: _months(year_for(m.group(1), 1 if m.group(2) == "上" else 7),
                                  1 if m.group(2) == "上" else 7, 6 if m.group(2) == "上" else 12))
    take(_MONTH, lambda m: _months(year_for(m.group(1), int(m.group(2))), int(m.group(2)), int(m.group(2))))
    # A year alone counts only when no finer period of that year was named ("2025年第二季度" says Q2).
    finer = {p.start.year for p in found}

    def year_alone(m: re.Match) -> Period | None:
        year = int(m.group(1))
        return None if year in finer else _year(year)
    take(_YEAR_ONLY, year_alone)
    rest = re.sub(rf"(?<!\d){YEAR}\s*年", " ", rest)
    return sorted(set(found)), rest


def _day(y: int, m: int, d: int) -> Period | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    return Period(day, day) if 1990 <= y <= 2100 else None


def _quarter(m: re.Match, year_for) -> Period | None:
    q = int(m.group(2) or m.group(3) or m.group(4))
    return _months(year_for(m.group(1), 3 * q - 2), 3 * q - 2, 3 * q)


def periods_overlap(a, b) -> bool:
    """Whether any period of one list overlaps any of the other (lists of Period or [start, end])."""
    pa, pb = [_as_period(p) for p in a], [_as_period(p) for p in b]
    return any(x.overlaps(y) for x in pa for y in pb)


def _as_period(p) -> Period:
    return p if isinstance(p, Period) else Period(date.fromisoformat(p[0]), date.fromisoformat(p[1]))


# --- document numbers and codes ---------------------------------------------------------------------

_OPEN, _CLOSE = re.escape("〔[【(（［"), re.escape("〕]】)）］")
_DOCNO = re.compile(
    rf"([\u4e00-\u9fa5]{{1,8}}?)?\s*[{_OPEN}]\s*{YEAR}\s*[{_CLOSE}]\s*第?\s*(\d{{1,5}})\s*号"
    rf"|{YEAR}\s*年\s*(?:度\s*)?([\u4e00-\u9fa5]{{0,8}}?)\s*第\s*(\d{{1,5}})\s*号"
    rf"|([\u4e00-\u9fa5]{{1,6}}字)\s*{YEAR}\s*(\d{{1,5}})\s*号"
    rf"|([\u4e00-\u9fa5]{{2,10}}?)\s*{YEAR}\s*年\s*(\d{{1,5}})\s*号(?![楼线院路])"
)
_WRITTEN_LEAD = re.compile(r"^(?:请|申请|公开|提供|关于|查询|要|想|看|麻烦|的|及|和|即|文件|编号|为|是)+")
_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,6})\s*[-_]?\s*(\d{1,6})(?![\d])")
_NOT_CODES = {"Q", "QQ", "ID", "NO", "TEL", "PDF", "DOC", "DOCX", "XLS", "XLSX", "JPG", "PNG", "A", "B", "C", "GBT", "PM", "AM"}


def document_numbers(text: str) -> tuple[list[str], dict[str, str], str]:
    """Canonical document numbers and codes (``2025-12``, ``WJ5``), how each was written first, and
    the text without them."""
    found: dict[str, str] = {}

    def docno(m: re.Match) -> str:
        if m.group(2):
            year, seq = m.group(2), m.group(3)
        elif m.group(4):
            year, seq = m.group(4), m.group(6)
        elif m.group(8):
            year, seq = m.group(8), m.group(9)
        else:
            year, seq = m.group(11), m.group(12)
        found.setdefault(f"{year}-{int(seq)}", _WRITTEN_LEAD.sub("", m.group(0).strip()))
        return " 文号 "

    rest = _DOCNO.sub(docno, text)

    def code(m: re.Match) -> str:
        letters = m.group(1).upper()
        if letters in _NOT_CODES:
            return m.group(0)
        found.setdefault(f"{letters}{int(m.group(2))}", m.group(0).strip())
        return " 编号 "

    rest = _CODE.sub(code, rest)
    return sorted(found), found, rest


# --- named things and kinds -------------------------------------------------------------------------

_BOUNDARY = re.compile(r"关于|公开|申请|提供|查询|查阅|了解|获取|作出|要求|想要|的|在|对|和|与|及|了|位于|地处|我们|我|本人|该|某|各|全|这|那|给|向|是|为|即")
_ORG_SUFFIX = r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|总厂|分厂|厂|医院|卫生院|中学|小学|幼儿园|学校|大学|学院)"
_COMPANY = re.compile(rf"([\u4e00-\u9fa5A-Za-z0-9]{{2,20}}?{_ORG_SUFFIX})")
_LEGAL_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司)$")
_PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fa5]{2,4}?(?:省|自治区|市|区|县|镇|乡|街道))+")
_LEADING = re.compile(r"^(?:关于|对于|对|和|与|及|请公开|公开|申请|提供|要求|我想|想要|想|了解|查询|查看|看看|看|有关|给|向|的)+")
_PROJECT = re.compile(r"([\u4e00-\u9fa5A-Za-z0-9]{2,16}?)(?:建设项目|项目|工程)")
_NUMBERED = re.compile(r"(\d{1,4})\s*(号线|号楼|号地块|号院|标段|期工程|地块)")
_PLACE = re.compile(r"([\u4e00-\u9fa5]{2,5}?)(村|镇|乡|街道|社区|小区|区|县)(?![\u4e00-\u9fa5]{0,1}(?:委|民|级|域|间|位|长|政府|人民))")
_NOT_PLACES = {"我们", "我", "本", "该", "全", "各", "我家", "我们的", "所在", "这个", "那个", "本地", "辖", "城", "市",
               "小", "社", "街", "园", "新", "老", "农", "行政", "城市", "城区", "郊", "开发", "示范", "片", "学", "校"}
DOC_KINDS: dict[str, tuple[str, ...]] = {
    "decision": ("决定书", "处罚决定", "决定"), "plan": ("实施方案", "工作方案", "方案", "规划", "计划"),
    "compensation": ("补偿", "安置"), "approval": ("批复", "批文", "批准", "审批", "核准", "许可证", "许可"),
    "eia": ("环评", "环境影响"), "acceptance": ("验收",), "budget": ("预算",), "final_accounts": ("决算",),
    "contract": ("合同", "协议"), "bid": ("招标", "中标", "投标", "成交"), "list": ("名单", "名册", "清单"),
    "minutes": ("会议纪要", "纪要"), "report": ("报告", "报表"), "reply": ("答复", "回复"), "notice": ("通知", "公告", "通告"),
}


def _core(name: str) -> str:
    name = _lstrip(_BOUNDARY.split(name)[-1])
    name = _LEADING.sub("", name)
    name = _LEGAL_FORM.sub("", name)
    core = _PLACE_PREFIX.sub("", name)
    return core if len(core) >= 2 else name


_ORG_STEM = re.compile(rf"^(.*?){_ORG_SUFFIX}$")


def organisations(text: str) -> list[str]:
    """Companies and institutions named, as their core name (江州华星化工股份有限公司 → 江州华星化工);
    a bare 厂 or 公司 after a measure word (那个厂) names nothing."""
    out = set()
    for m in _COMPANY.findall(text):
        core = _core(m)
        stem = _ORG_STEM.match(core)
        if len(core) >= 2 and (stem is None or len(stem.group(1)) >= 2):
            out.add(core)
    return sorted(out)


_GENERIC_PROJECTS = {"建设", "新建", "改建", "扩建", "改造", "改扩建", "重点", "工程", "项目", "该", "本", "此", "有关", "相关",
                     "政府投资", "基础设施", "民生", "市政"}


def projects(text: str) -> list[str]:
    """Projects named (污水厂三期, 金穗米业新建生产线), without generic words (建设, 改造)."""
    out = set()
    for m in _PROJECT.findall(text):
        core = _core(m)
        for generic in ("建设", "新建", "改扩建", "扩建", "改建"):
            core = core.removesuffix(generic)
        if len(core) >= 2 and core not in _GENERIC_PROJECTS:
            out.add(core)
    return sorted(out)


def numbered(text: str) -> list[str]:
    """Numbered lines, buildings, plots and sections (3号线, 5号楼, 2标段)."""
    return sorted({f"{int(n)}{kind}" for n, kind in _NUMBERED.findall(text)})


def places(text: str) -> list[str]:
    """Villages, towns, streets, communities, districts and counties named (滨江村, 城东街道)."""
    out = {"本级"} if _CITY_LEVEL.search(text) else set()
    for stem, kind in _PLACE.findall(text):
        stem = _lstrip(_BOUNDARY.split(stem)[-1])
        if len(stem) >= 2 and stem not in _NOT_PLACES and not stem.endswith(("的", "在", "了")):
            out.add(stem + kind)
    return sorted(out)


_FUNCTION_CHARS = "把被给让从向对和与及或地得着过中下上度季年月号是为能就也都还又再请个"


def _lstrip(stem: str) -> str:
    """Function characters glued before a name (把临江区, 批次中松林村), keeping two characters at least."""
    while len(stem) > 2 and stem[0] in _FUNCTION_CHARS:
        stem = stem[1:]
    return stem
_CITY_LEVEL = re.compile(r"(?:市|县|区|省)本级|本级(?:财政|预算|部门)")
# Kinds of document that are never each other (a project proposal is not its feasibility study, a
# hearing notice not the penalty decision): two requests naming different ones ask for different
# information even under the same number. Generic words (批复, 通知, 报告, 文件) are not kinds here.
GENRES: dict[str, tuple[str, ...]] = {
    "proposal": ("项目建议书", "立项"), "feasibility": ("可行性研究", "可研"), "preliminary_design": ("初步设计",),
    "design_scheme": ("设计方案",), "review_opinion": ("审查意见",), "planning_permit": ("规划许可",),
    "planning_conditions": ("规划条件",), "verification": ("核实意见", "规划核实"), "construction_permit": ("施工许可",),
    "presale_permit": ("预售许可",), "completion": ("竣工验收", "验收意见", "验收报告"),
    "eia": ("环境影响", "环评"), "monitoring": ("监测报告", "监测数据", "监测结果"),
    "penalty": ("处罚决定", "罚款"), "hearing_notice": ("听证告知", "告知书"), "rectification": ("责令改正", "整改通知"),
    "expropriation_decision": ("征收决定",), "compensation": ("补偿方案", "补偿安置", "补偿标准", "安置方案"),
    "risk_assessment": ("风险评估",), "implementation": ("实施方案", "工作方案", "实施细则"),
    "performance": ("绩效评价", "绩效自评", "评价报告", "效果评价"), "allocation": ("分配方案", "资金分配"), "allocation_result": ("分配结果",),
    "recipients": ("名单", "名册", "发放明细"), "tender": ("招标文件", "招标公告"), "award": ("中标", "成交"),
    "contract": ("合同",), "minutes": ("会议纪要", "纪要"), "budget": ("预算",), "final_accounts": ("决算",),
    "audit": ("审计报告", "审计结果"), "inspection": ("检查记录", "检查结果", "抽检", "抽查"),
    "enforcement_file": ("执法案卷", "案卷", "卷宗"), "approval": ("批复", "批文", "批准文件"),
    "announcement": ("公告", "公示"), "reply": ("答复", "办理结果"), "statistics": ("统计", "台账"),
    "rules": ("管理办法", "实施办法", "规则", "细则"), "list_of_places": ("设置地点", "设置位置", "点位"),
}


def genres(text: str) -> list[str]:
    return sorted(g for g, words in GENRES.items() if any(w in text for w in words))


def kinds(text: str) -> list[str]:
    return sorted(kind for kind, words in DOC_KINDS.items() if any(w in text for w in words))


def names_agree(a: str, b: str) -> bool:
    """Whether two names are one (the short name inside the registered name, or most characters shared)."""
    if a in b or b in a:
        return True
    ga = {a[i:i + 2] for i in range(len(a) - 1)} or {a}
    gb = {b[i:i + 2] for i in range(len(b) - 1)} or {b}
    return len(ga & gb) / len(ga | gb) >= 0.5


def any_agree(xs, ys) -> str | None:
    """The first name of xs that agrees with one of ys, or None."""
    for x in xs:
        for y in ys:
            if names_agree(x, y):
                return x if len(x) <= len(y) else y
    return None
