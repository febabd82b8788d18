"""Similarity of requests: the same document told from a near one (pure functions, no database).

A request's *signature* holds its content words (jieba segmentation, stop words and the words of
every request's boilerplate removed) and its discriminating parts: document numbers
(示教发〔2025〕12号 in any of its common spellings), years (also in Chinese numerals), quarters,
months and full dates, and named things (companies, projects, places, numbered lines, buildings).
Two requests score by the IDF-weighted overlap of their words, raised when they cite the same
document number and cut hard when a number, a year, a period or a named thing differs: requests for
the same topic in another year, the same company's other penalty decision or the same project's
other approval share most words but are different information.
"""
from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping

import jieba
import jieba.posseg as pseg

jieba.setLogLevel(logging.WARNING)

# The suggestion threshold: pairs scoring at least this are offered as the same information.
# Chosen on the labelled set in tests/disclosure/data (precision >= 0.80 there; see
# tests/disclosure/test_similarity.py and bench/bench_similarity.py for the figures).
THRESHOLD = 0.35

CN_NUM = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# Words every request uses ("apply", "disclose", "please provide", ...): they say nothing about
# which information is asked for.
STOP_WORDS = frozenset("""
申请 公开 政府 信息 政府信息 请 提供 相关 有关 关于 文件 全文 附件 及其 及 和 与 的 了 是 在 我 我们 本人 申请人 贵局 贵单位 贵机关
单位 予以 依法 依据 根据 规定 之 条例 中华人民共和国 第二十七条 制作 保存 或 获取 一份 那份 份 麻烦 谢谢 发 把 想 了解 正式 文本
方式 电子邮件 邮件 以 作出 发布 包括 其 居民 中华人民共和国政府 中华 人民 共和 共和国 人民共和国 政府信息公开 信息公开 条例 第二十七 二十七 因 需要 要求 一下 这个 那个 什么 怎么 如何 哪些 情况 内容 资料 材料 号 年 月 日 市
示范 示范市 号文 文号 即 所 等 中 对 被 上 下 为 由 从 向 将 已 该 此 各 全市 今年 去年 本 之规定
""".split())

_DOC_OPEN = re.escape("〔[【(（")
_DOC_CLOSE = re.escape("〕]】)）")
DOCNO_RE = re.compile(
    rf"(?:([\u4e00-\u9fa5]{{1,8}}?)\s*[{_DOC_OPEN}]\s*((?:19|20)\d{{2}})\s*[{_DOC_CLOSE}]\s*第?\s*(\d{{1,5}})\s*号)"
    rf"|(?:((?:19|20)\d{{2}})\s*年\s*([\u4e00-\u9fa5]{{1,8}}?)\s*第\s*(\d{{1,5}})\s*号)"
)
CN_YEAR_RE = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*(?:年|-|—|－|至|/|\.))")
DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
MONTH_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)")
QUARTER_RE = re.compile(r"第([一二三四1-4])季度|([上下])半年")
BATCH_RE = re.compile(r"第([一二三四五六七八九十\d]{1,3})(批|期|轮)")
# Named things: companies, projects, places; numbered lines and buildings ("5号线", "3号楼").
COMPANY_RE = re.compile(r"([\u4e00-\u9fa5]{2,20}?(?:股份有限公司|有限责任公司|有限公司|集团|大药房|药房|热电厂|化纤|食品厂|工厂|厂))")
NUMBERED_RE = re.compile(r"(\d{1,4})\s*(号线|号楼|号地块|号路|期)")
COMPANY_TRIM = re.compile(r"^(?:对|关于|示范市|市)+|(?:股份有限公司|有限责任公司|有限公司|集团|公司)$")
# Kinds of document: two requests naming different kinds (an approval of the environmental impact
# report vs. the completion acceptance of the same project) ask for different information.
DOC_KINDS = {
    "eia": ("环评", "环境影响"), "acceptance": ("验收",), "feasibility": ("可行性", "可研", "立项"),
    "construction_permit": ("施工许可",), "presale": ("预售",), "penalty": ("处罚", "罚款"),
    "budget": ("预算",), "final_accounts": ("决算",), "recruitment": ("招聘",),
    "compensation": ("补偿", "征收"), "license": ("经营许可", "排污许可"),
}
GENERIC_PLACES = {"示范市", "本市", "全市"}


def _cn_year(text: str) -> int:
    return int("".join(str(CN_NUM[c]) for c in text))


def _cn_small(text: str) -> str:
    if text.isdigit():
        return str(int(text))
    if text in CN_NUM:
        return str(CN_NUM[text])
    if text.startswith("十"):
        return str(10 + CN_NUM.get(text[1:], 0)) if len(text) > 1 else "10"
    if len(text) == 2 and text.endswith("十"):
        return str(CN_NUM[text[0]] * 10)
    if len(text) == 3 and text[1] == "十":
        return str(CN_NUM[text[0]] * 10 + CN_NUM[text[2]])
    return text


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII, Chinese-numeral years to digits, spaces collapsed."""
    text = (text or "").translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c) not in "（）［］【】"})
    text = CN_YEAR_RE.sub(lambda m: f"{_cn_year(m.group(1))}年", text)
    return re.sub(r"\s+", " ", text).strip()


def _company_key(name: str) -> str:
    name = COMPANY_TRIM.sub("", name)
    return COMPANY_TRIM.sub("", name)


LAW_RE = re.compile(r"《[^》]{0,30}(?:条例|法|规定|办法)》|第[一二三四五六七八九十百零〇\d]+条(?:第[一二三四五六七八九十\d]+款)?"
                    r"(?:第[（(][一二三四五六七八九十\d]+[)）]项)?")
PURPOSE_RE = re.compile(r"(?:因|为了|为|出于)[^，,。；;]{1,20}[，,](?=\s*(?:特|现|故|依法)?申请)")
PROJECT_RE = re.compile(r"([\u4e00-\u9fa5\d]{2,14}?)(?:建设)?(?:项目|工程)")
RESIDENCE_RE = re.compile(r"(?:本人|我|申请人)(?:系|是|住在|家住|居住在|为)[^，,。；;]{0,20}?(?:居民|业主|村民|家长|职工)")
PLACE_SUFFIXES = ("区", "县", "镇", "乡", "街道", "社区", "片区", "小区", "花园", "名苑", "家园", "市场", "中学", "小学",
                  "幼儿园", "断面", "地块")


def _places(tokens: list[tuple[str, str]]) -> set[str]:
    """Named places: a word ending in a place word (滨江区) or followed by one (翠湖 + 名苑)."""
    found = set()
    for i, (token, flag) in enumerate(tokens):
        if token in GENERIC_PLACES or token in STOP_WORDS:
            continue
        if len(token) >= 3 and token.endswith(PLACE_SUFFIXES):
            found.add(token)
        elif i + 1 < len(tokens) and tokens[i + 1][0] in PLACE_SUFFIXES and len(token) >= 2 and flag != "m":
            found.add(token + tokens[i + 1][0])
    return {p for p in found if p not in GENERIC_PLACES}


def extract_features(text: str, *, strip: Iterable[str] = ()) -> dict:
    """The signature of a request's text: words and discriminating parts (JSON-serialisable).

    `strip` lists phrases that say nothing about the information (the agency's own name).
    """
    text = normalise(text)
    for phrase in strip:
        if phrase:
            text = text.replace(phrase, " ")
    text = RESIDENCE_RE.sub(" ", text)  # where the applicant lives is not what they ask for
    text = PURPOSE_RE.sub(" ", text)  # nor why they ask
    text = LAW_RE.sub(" ", text)  # citing the Regulations says nothing about the information
    docs, years = set(), set()
    for m in DOCNO_RE.finditer(text):
        if m.group(2):
            year, seq = m.group(2), m.group(3)
        else:
            year, seq = m.group(4), m.group(6)
        docs.add(f"{year}-{int(seq)}")
        years.add(year)
    stripped = DOCNO_RE.sub(" ", text)
    years.update(m.group(1) for m in YEAR_RE.finditer(stripped))
    dates = {f"{y}-{int(mo):02d}-{int(d):02d}" for y, mo, d in DATE_RE.findall(stripped)}
    months = {f"{y}-{int(mo):02d}" for y, mo in MONTH_RE.findall(stripped)}
    periods = set()
    for q, half in QUARTER_RE.findall(stripped):
        periods.add(f"Q{_cn_small(q)}" if q else f"H{'1' if half == '上' else '2'}")
    periods.update(f"{kind}{_cn_small(n)}" for n, kind in BATCH_RE.findall(stripped))
    numbered = {f"{int(n)}{kind}" for n, kind in NUMBERED_RE.findall(stripped)}
    companies = {_company_key(c) for c in COMPANY_RE.findall(stripped)}
    companies = {c for c in companies if len(c) >= 2}
    projects = {p.removeprefix("关于").removeprefix("示范市") for p in PROJECT_RE.findall(stripped)}
    projects = {p for p in projects if len(p) >= 2}
    kinds = {kind for kind, words in DOC_KINDS.items() if any(w in stripped for w in words)}
    # Years, dates and periods are compared as such; out of the text they no longer glue to the
    # next word in segmentation ("2025年中考" would otherwise give "年中").
    stripped = DATE_RE.sub(" ", stripped)
    stripped = re.sub(r"(?<!\d)(?:19|20)\d{2}\s*(?:年度|年)?(?:\s*\d{1,2}\s*月)?", " ", stripped)
    stripped = QUARTER_RE.sub(" ", stripped)
    tokens = [(t.strip(), f) for t, f in pseg.lcut(stripped) if t.strip()]
    places = _places(tokens)

    words = set()
    for token in jieba.lcut_for_search(stripped):
        token = token.strip().lower()
        if not token or token in STOP_WORDS or not re.search(r"[\w]", token):
            continue
        if token.isdigit() and len(token) == 4:
            continue  # years are compared as years, not as words
        if len(token) == 1 and not token.isdigit():
            continue
        words.add(token)
    return {
        "w": sorted(words), "doc": sorted(docs), "yr": sorted(years), "dt": sorted(dates), "mo": sorted(months),
        "per": sorted(periods), "num": sorted(numbered), "co": sorted(companies), "proj": sorted(projects),
        "pl": sorted(places),
        "kind": sorted(kinds),
    }


def index_terms(features: Mapping) -> list[str]:
    """The terms a signature is indexed under: its words and its discriminating parts (prefixed)."""
    terms = set(features.get("w", ()))
    terms.update(f"#doc:{d}" for d in features.get("doc", ()))
    terms.update(f"#co:{c}" for c in features.get("co", ()))
    terms.update(f"#num:{n}" for n in features.get("num", ()))
    return sorted(t[:80] for t in terms)


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def _names_match(a: str, b: str) -> bool:
    if a in b or b in a:
        return True
    ga, gb = _bigrams(a), _bigrams(b)
    return len(ga & gb) / len(ga | gb) >= 0.5


def _any_match(xs: Iterable[str], ys: Iterable[str]) -> bool:
    return any(_names_match(x, y) for x in xs for y in ys)


def score(a: Mapping, b: Mapping, idf: Mapping[str, float], default_idf: float) -> float:
    """How likely two signatures ask for the same information, from 0 to 1."""
    wa, wb = set(a.get("w", ())), set(b.get("w", ()))
    if not wa or not wb:
        base = 0.0
    else:
        weight = lambda t: idf.get(t, default_idf) ** 2  # noqa: E731
        shared = sum(weight(t) for t in wa & wb)
        base = shared / math.sqrt(sum(weight(t) for t in wa) * sum(weight(t) for t in wb))

    s = base
    docs_a, docs_b = set(a.get("doc", ())), set(b.get("doc", ()))
    if docs_a and docs_b:
        if docs_a & docs_b:
            return min(1.0, max(s, 0.6) + 0.3)  # the same document number: the same document
        s *= 0.15  # different numbers: different documents, however alike the words
    # Named things first (a shared company or place adds a little, a different one takes a lot),
    # then the numbers: a different year, date, period or numbered line or building cuts hard.
    for key, factor in (("co", 0.3), ("proj", 0.4), ("pl", 0.6)):
        xa, xb = a.get(key, ()), b.get(key, ())
        if xa and xb:
            s = s + 0.1 if _any_match(xa, xb) else s * factor
    for key, factor in (("yr", 0.3), ("dt", 0.3), ("mo", 0.3), ("per", 0.3), ("num", 0.2)):
        xa, xb = set(a.get(key, ())), set(b.get(key, ()))
        if xa and xb and not (xa & xb):
            s *= factor
    ka, kb = set(a.get("kind", ())), set(b.get("kind", ()))
    if ka and kb and not (ka & kb):
        s *= 0.4
    return max(0.0, min(1.0, s))


def idf_table(signatures: Iterable[Mapping]) -> tuple[dict[str, float], float]:
    """Smoothed IDF of every word over a set of signatures, and the IDF of an unseen word."""
    df: dict[str, int] = {}
    n = 0
    for sig in signatures:
        n += 1
        for t in set(sig.get("w", ())):
            df[t] = df.get(t, 0) + 1
    return {t: idf_value(c, n) for t, c in df.items()}, idf_value(0, n)


def idf_value(df: int, n: int) -> float:
    """Smoothed inverse document frequency of a term found in `df` of `n` requests."""
    return math.log((n + 1) / (df + 1)) + 1.0
