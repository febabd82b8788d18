"""Similarity of requests: do two requests ask for the same information? (pure functions, no database)

A request's *signature* (extract_features) is taken from its text once it is brought to one way of
writing (caseapp.disclosure.normalise): its periods as intervals of days, its document numbers and
codes in canonical form, the things it names (companies, projects, numbered lines and plots,
places), the kinds of document it asks for, its content words (jieba) and its text without the
words every request uses (the Regulations cited, why the applicant asks, how to deliver).

Two signatures are compared in two steps (compare):

1. **Hard constraints.** When both name a period, the periods must overlap; when both name a
   document number or code, one must be equal; when both name a numbered line, building, plot or
   section, one must be equal. Otherwise they are different information, however alike the words.
   The model adds the further constraints chosen on dev (Model.hard: now a project, a place and the
   kind of document named by both must agree).
2. **Similarity.** A logistic model over a few pair features: the words' cosine (IDF-weighted by
   the agency's own requests), the character bi- and trigram cosines of the texts read through the
   vocabulary (synonyms and umbrella terms, caseapp.disclosure.vocabulary), a shared term, whether
   the named things and the kinds of document agree or conflict. The weights, the n-gram weights
   and the threshold are learned from the train split of tests/data/similarity and the threshold
   chosen on its dev split (bench/train_similarity.py writes similarity_model.json beside this module).

Every match explains itself (Reason): the period, number or named thing both requests name, the
terms they share.
"""
from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import jieba

from caseapp.disclosure import normalise as norm
from caseapp.disclosure.vocabulary import Vocabulary, default_vocabulary, shared_concepts

jieba.setLogLevel(logging.WARNING)

MODEL_PATH = Path(__file__).with_name("similarity_model.json")

# Words every request uses ("apply", "disclose", "please provide", ...): they say nothing about
# which information is asked for. Only words of the genre, never of one place or agency (an
# agency's own frequent words weigh little through its IDF).
STOP_WORDS = frozenset("""
申请 公开 政府 信息 政府信息 请 提供 相关 有关 关于 文件 全文 附件 及其 及 和 与 的 了 是 在 我 我们 本人 申请人 贵局 贵单位 贵机关
贵委 贵办 贵院 单位 予以 依法 依据 根据 规定 之 条例 中华人民共和国 制作 保存 或 获取 一份 份 麻烦 谢谢 发 把 想 想要 了解 正式 文本
方式 电子邮件 邮件 以 作出 发布 包括 其 中华 人民 共和 共和国 人民共和国 政府信息公开 信息公开 因 需要 要求 一下 这个 那个 什么
怎么 如何 哪些 情况 内容 资料 材料 号 年 月 日 号文 文号 编号 即 所 等 中 对 被 上 下 为 由 从 向 将 已 该 此 各 本 之规定 您好 你好
您们 你们 烦请 恳请 希望 能否 能 可以 是否 看看 看 查看 查询 告知 复印件 复制件 纸质 邮寄 特此 此致 敬礼 现 特 故 所有 具体 一些 给
""".split())

_LAW = re.compile(r"《[^》]{0,40}》|(?:国务院)?令第\d+号|第\d+条(?:第\d+款)?(?:第[(（]\d+[)）]项)?|第[一二三四五六七八九十百]+条")
_PURPOSE = re.compile(r"(?:因|为了|为|出于|由于)[^，,。；;]{1,30}[，,](?=\s*(?:特|现|故|依法|申请|请|想|希望))")
_RESIDENCE = re.compile(r"(?:本人|我|申请人)(?:系|是|住在|家住|居住在|为|作为)[^，,。；;]{0,24}?(?:居民|业主|村民|家长|职工|员工|律师|记者|代理人)")
_DELIVERY = re.compile(r"(?:请|希望|烦请|恳请)?(?:以|通过|用)?(?:电子邮件|邮寄|纸质|电子版|电子文档|邮件|快递|EMS|网上|在线|自行领取|当面)"
                       r"[^，,。；;]{0,16}(?:方式)?(?:提供|告知|答复|送达|寄送|发送|领取)")
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|(?<!\d)1\d{10}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_NOT_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Reason:
    """Why a match was offered: kind (period, docno, organisation, project, place, numbered, term,
    words, confirmed) and the words shown to the clerk."""

    kind: str
    value: str


@dataclass
class Comparison:
    score: float
    reasons: list[Reason] = field(default_factory=list)
    blocked: str | None = None  # the hard constraint that failed: period, docno, numbered


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    threshold: float
    grams: dict[str, float]
    gram_default: float
    hard: tuple[str, ...] = ()  # further hard constraints chosen on dev: organisation, project, place, genre


@lru_cache(maxsize=1)
def model() -> Model:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return Model(data["weights"], data["bias"], data["threshold"], data["grams"], data["gram_default"],
                 tuple(data.get("hard", ())))


def __getattr__(name: str):
    if name == "THRESHOLD":  # the suggestion threshold, chosen on the dev split
        return model().threshold
    raise AttributeError(name)


def request_text(text: str, *, strip: Iterable[str] = ()) -> str:
    """The part of a request that says what is asked for: cleaned, without the agency's own name,
    the Regulations cited, where the applicant lives, why they ask, how to deliver, contact details."""
    text = norm.clean(text)
    for phrase in strip:
        if phrase:
            text = text.replace(norm.clean(phrase), " ")
    for pattern in (_CONTACT, _RESIDENCE, _PURPOSE, _LAW, _DELIVERY):
        text = pattern.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def extract_features(text: str, *, strip: Iterable[str] = (), received_on: date | None = None) -> dict:
    """The signature of a request's text (JSON-serialisable). `strip` lists phrases that say nothing
    about the information (the agency's own name); `received_on` anchors 去年, 上个月, 二季度."""
    text = request_text(text, strip=strip)
    docs, written, rest = norm.document_numbers(text)
    periods, rest = norm.periods(rest, received_on)
    words = set()
    for token in jieba.lcut_for_search(rest):
        token = token.strip().lower()
        if not token or token in STOP_WORDS or not re.search(r"\w", token):
            continue
        if len(token) == 1 and not token.isdigit():
            continue
        words.add(token)
    return {
        "t": _NOT_TEXT.sub("", rest)[:400],
        "w": sorted(words),
        "per": [p.as_list() for p in periods],
        "doc": docs, "dr": written,
        "num": norm.numbered(rest), "co": norm.organisations(rest), "proj": norm.projects(rest),
        "pl": norm.places(rest), "kind": norm.kinds(rest), "g": norm.genres(rest),
    }


def index_terms(features: Mapping) -> list[str]:
    """The terms a signature is indexed under: its words and its discriminating parts (prefixed)."""
    terms = set(features.get("w", ()))
    terms.update(f"#doc:{d}" for d in features.get("doc", ()))
    terms.update(f"#co:{c}" for c in features.get("co", ()))
    terms.update(f"#num:{n}" for n in features.get("num", ()))
    return sorted(t[:80] for t in terms)


def _grams(text: str, n: int) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def _cosine(xa: set[str], xb: set[str], weight) -> float:
    if not xa or not xb:
        return 0.0
    shared = sum(weight(t) for t in xa & xb)
    return shared / math.sqrt(sum(weight(t) for t in xa) * sum(weight(t) for t in xb))


def _read(features: Mapping, vocabulary: Vocabulary) -> tuple[str, frozenset[str]]:
    return vocabulary.apply(features.get("t", ""))


def pair_features(a: Mapping, b: Mapping, idf: Mapping[str, float], default_idf: float,
                  vocabulary: Vocabulary | None = None) -> tuple[dict[str, float] | None, str | None, list[Reason]]:
    """The pair features of two signatures, or None with the hard constraint that failed; and the
    reasons a match would give."""
    vocabulary = vocabulary if vocabulary is not None else default_vocabulary()
    reasons: list[Reason] = []
    pa, pb = a.get("per") or [], b.get("per") or []
    if pa and pb:
        common = [(x, y) for x in pa for y in pb if norm.periods_overlap([x], [y])]
        if not common:
            return None, "period", []
        x, y = (norm.Period(date.fromisoformat(p[0]), date.fromisoformat(p[1])) for p in common[0])
        narrow = x if (x.end - x.start) <= (y.end - y.start) else y
        reasons.append(Reason("period", narrow.label()))
    da, db_ = set(a.get("doc") or ()), set(b.get("doc") or ())
    if da and db_:
        same = sorted(da & db_)
        if not same:
            return None, "docno", []
        written = [(x.get("dr") or {}).get(same[0], same[0]) for x in (a, b)]
        reasons.append(Reason("docno", max(written, key=len)))  # the fuller spelling (with its issuer's prefix)
    na, nb = set(a.get("num") or ()), set(b.get("num") or ())
    if na and nb:
        same = sorted(na & nb)
        if not same:
            return None, "numbered", []
        reasons.append(Reason("numbered", same[0]))

    m = model()
    gram = lambda g: m.grams.get(g, m.gram_default) ** 2  # noqa: E731
    word = lambda t: idf.get(t, default_idf) ** 2  # noqa: E731
    wa, wb = set(a.get("w", ())), set(b.get("w", ()))
    named_agree = 0
    conflicts = {}
    for key, kind in (("co", "organisation"), ("proj", "project"), ("pl", "place")):
        xa, xb = a.get(key) or (), b.get(key) or ()
        conflicts[key] = 0.0
        if xa and xb:
            agreed = norm.any_agree(xa, xb)
            if agreed:
                named_agree += 1
                reasons.append(Reason(kind, agreed))
            else:
                conflicts[key] = 1.0
    ga, gb = set(a.get("g") or ()), set(b.get("g") or ())
    conflicts["g"] = 1.0 if ga and gb and not ga & gb else 0.0
    for key, name in (("co", "organisation"), ("proj", "project"), ("pl", "place"), ("g", "genre")):
        if conflicts[key] and name in m.hard:
            return None, name, []
    ta, ca = _read(a, vocabulary)
    tb, cb = _read(b, vocabulary)
    ka, kb = set(a.get("kind") or ()), set(b.get("kind") or ())
    concepts = shared_concepts(ca, cb)
    if concepts:
        reasons.append(Reason("term", "、".join(concepts[:3])))
    shared_words = sorted(wa & wb, key=lambda t: (-idf.get(t, default_idf), t))
    shared_words = [t for t in shared_words if not any(t in c or c in t for c in concepts)]
    shared_words = [t for t in shared_words if not any(t != o and t in o for o in shared_words)][:4]
    if shared_words:
        reasons.append(Reason("words", "、".join(shared_words)))
    x = {
        "word": _cosine(wa, wb, word),
        "char2": _cosine(_grams(ta, 2), _grams(tb, 2), gram),
        "char3": _cosine(_grams(ta, 3), _grams(tb, 3), gram),
        "term": 1.0 if concepts else 0.0,
        "docno": 1.0 if da and db_ else 0.0,
        "period": 1.0 if pa and pb else 0.0,
        "period_one": 1.0 if bool(pa) != bool(pb) else 0.0,
        "named": float(named_agree),
        "organisation_conflict": conflicts["co"],
        "project_conflict": conflicts["proj"],
        "place_conflict": conflicts["pl"],
        "kind_agree": 1.0 if ka and kb and ka & kb else 0.0,
        "kind_conflict": 1.0 if ka and kb and not ka & kb else 0.0,
        "genre_agree": 1.0 if ga and gb and ga & gb else 0.0,
        "genre_conflict": 1.0 if ga and gb and not ga & gb else 0.0,
        "genre_differs": len(ga ^ gb) / len(ga | gb) if ga and gb else 0.0,
    }
    return x, None, reasons


FEATURES = ("word", "char2", "char3", "term", "docno", "period", "period_one", "named", "organisation_conflict",
            "project_conflict", "place_conflict", "kind_agree", "kind_conflict", "genre_agree", "genre_conflict",
            "genre_differs")


def probability(x: Mapping[str, float], weights: Mapping[str, float], bias: float) -> float:
    z = bias + sum(weights.get(k, 0.0) * v for k, v in x.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def compare(a: Mapping, b: Mapping, idf: Mapping[str, float], default_idf: float,
            vocabulary: Vocabulary | None = None) -> Comparison:
    """How likely two signatures ask for the same information (0 to 1), and why."""
    x, blocked, reasons = pair_features(a, b, idf, default_idf, vocabulary)
    if x is None:
        return Comparison(0.0, [], blocked)
    m = model()
    return Comparison(probability(x, m.weights, m.bias), reasons)


def score(a: Mapping, b: Mapping, idf: Mapping[str, float], default_idf: float,
          vocabulary: Vocabulary | None = None) -> float:
    return compare(a, b, idf, default_idf, vocabulary).score


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
