"""Build the independent labelled set of disclosure requests (requests.jsonl).

Written for issue 24 by an engineer who did not see the matcher (caseapp/disclosure/similarity.py)
nor its evaluation examples (tests/disclosure/data/). Nothing here is tuned to the matcher.

How it works, in short:
* A handful of invented cities and districts, each with agencies of many kinds.
* Hand-written subjects (what people ask for): each knows its facets (period, document number,
  code, place, company/project, document type, umbrella term) and carries several formal and
  colloquial hand-written phrasings of "what is asked for", plus subject-specific reasons.
* An information item is one subject with concrete facets in one agency. Each request renders the
  item with its own choices: register (formal / colloquial), date form (absolute or relative to the
  request's received_on), document-number form, short or full name, umbrella or parts, traditional
  characters, and is wrapped in one of many hand-written request patterns (opening, citation of the
  regulation, reason, delivery wish).
* Hard negatives are separate items in the same agency that differ from a positive item in one
  facet only (same number other document, neighbouring number, other year, place or period).
* Split by group (a positive item with its hard negatives; or a singleton) into train/dev/test,
  stratified so every class appears in every split.

Deterministic: `python tests/data/similarity/build.py` rewrites requests.jsonl byte for byte.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 20261208
HERE = Path(__file__).resolve().parent
LATEST = date(2026, 11, 30)  # no request is received after this day

# ---------------------------------------------------------------------------------------------
# Places (invented)
# ---------------------------------------------------------------------------------------------
PROVINCE = "东海省"
PROVINCE_ABBR = "东"

CITIES = {
    "江州市": {
        "slug": "jz", "abbr": "江",
        "districts": {
            "临江区": {"slug": "lj", "abbr": "临", "villages": ["石桥村", "沙洲村", "柳塘村", "下湾村"],
                     "streets": ["滨江街道", "望江街道"], "communities": ["滨江花园社区", "望江门社区", "沙洲新村社区"]},
            "江北区": {"slug": "jb", "abbr": "江北", "villages": ["黄泥岗村", "新庄村", "白鹭洲村"],
                     "streets": ["北湖街道", "城北街道"], "communities": ["北湖社区", "金桂苑社区"]},
            "清河区": {"slug": "qh", "abbr": "清", "villages": ["清水塘村", "马家铺村", "杨柳湾村"],
                     "streets": ["清河街道", "东塘街道"], "communities": ["东塘社区", "清河湾社区"]},
        },
        "companies": [
            ("江州华星化工股份有限公司", ["华星化工", "华星公司"]),
            ("江州市鑫达建材有限公司", ["鑫达建材", "鑫达公司"]),
            ("江州恒远环保科技有限公司", ["恒远环保"]),
            ("江州市宏泰食品有限公司", ["宏泰食品", "宏泰"]),
            ("江州临港热电有限公司", ["临港热电", "热电厂"]),
            ("江州市顺安运输有限公司", ["顺安运输", "顺安公司"]),
        ],
        "projects": [
            ("江州市城市轨道交通3号线一期工程", ["地铁3号线一期", "3号线一期", "地铁3号线"]),
            ("江州市滨江大道快速化改造工程", ["滨江大道改造", "滨江快速路"]),
            ("江州市第二人民医院新院区建设项目", ["二院新院区", "市二医院新院区"]),
            ("江州市临江区实验小学新建工程", ["实验小学新校区", "临江实验小学新建项目"]),
            ("江州市北湖片区城市更新项目", ["北湖片区改造", "北湖更新项目"]),
        ],
        "bus_lines": ["12路", "K3路", "201路", "58路"],
    },
    "云川市": {
        "slug": "yc", "abbr": "云",
        "districts": {
            "东城区": {"slug": "dc", "abbr": "东城", "villages": ["李家坝村", "青石村", "桃源村"],
                     "streets": ["东华街道", "朝阳街道"], "communities": ["东华里社区", "朝阳新村社区"]},
            "西岭区": {"slug": "xl", "abbr": "西岭", "villages": ["高岭村", "石门村", "龙井村", "官庄村"],
                     "streets": ["西岭街道", "石门街道"], "communities": ["高岭社区", "石门坎社区"]},
            "南湖区": {"slug": "nh", "abbr": "南湖", "villages": ["南湖村", "荷花村", "双桥村"],
                     "streets": ["南湖街道", "荷花街道"], "communities": ["荷花池社区", "双桥社区"]},
        },
        "companies": [
            ("云川市天成印染有限公司", ["天成印染", "天成公司"]),
            ("云川金源电镀有限公司", ["金源电镀"]),
            ("云川市绿野农业开发有限公司", ["绿野农业"]),
            ("云川西岭水泥股份有限公司", ["西岭水泥", "水泥厂"]),
            ("云川市康宁医药连锁有限公司", ["康宁医药", "康宁药房"]),
        ],
        "projects": [
            ("云川市环城南路道路工程", ["环城南路", "环城南路工程"]),
            ("云川市南湖片区棚户区改造项目", ["南湖棚改", "南湖棚户区改造"]),
            ("云川市东城区第三中学扩建工程", ["三中扩建", "东城三中扩建项目"]),
            ("云川市西岭垃圾焚烧发电厂项目", ["西岭垃圾焚烧厂", "垃圾焚烧发电项目"]),
            ("云川市城市轨道交通1号线二期工程", ["地铁1号线二期", "1号线二期"]),
        ],
        "bus_lines": ["5路", "16路", "B2路", "302路"],
    },
    "青岚市": {
        "slug": "ql", "abbr": "青",
        "districts": {
            "鹤山区": {"slug": "hs", "abbr": "鹤", "villages": ["鹤鸣村", "松林村", "上坪村"],
                     "streets": ["鹤山街道", "松林街道"], "communities": ["鹤鸣社区", "松林苑社区"]},
            "白沙区": {"slug": "bs", "abbr": "白", "villages": ["白沙村", "河口村", "三里村", "黄土坡村"],
                     "streets": ["白沙街道", "河口街道"], "communities": ["白沙湾社区", "三里桥社区"]},
        },
        "companies": [
            ("青岚市博远医药有限公司", ["博远医药", "博远公司"]),
            ("青岚众联物流股份有限公司", ["众联物流"]),
            ("青岚市盛丰饲料有限公司", ["盛丰饲料", "饲料厂"]),
            ("青岚鹤山矿业有限公司", ["鹤山矿业", "鹤山矿"]),
            ("青岚市白沙河砂石有限公司", ["白沙河砂石", "砂石场"]),
        ],
        "projects": [
            ("青岚市鹤山污水处理厂三期扩建工程", ["鹤山污水厂三期", "污水厂三期"]),
            ("青岚市白沙河综合治理工程", ["白沙河治理", "白沙河整治工程"]),
            ("青岚市中心医院门急诊综合楼建设项目", ["中心医院综合楼", "中心医院新大楼"]),
            ("青岚市鹤山大道西延工程", ["鹤山大道西延", "鹤山大道延伸段"]),
            ("青岚市鹤山区第二实验学校新建工程", ["鹤山二实验", "第二实验学校新校区"]),
        ],
        "bus_lines": ["1路", "9路", "K11路"],
    },
    "丰源市": {
        "slug": "fy", "abbr": "丰",
        "districts": {
            "城关区": {"slug": "cg", "abbr": "城关", "villages": ["东关村", "西关村", "北门村"],
                     "streets": ["城关街道", "北门街道"], "communities": ["东关社区", "北门里社区"]},
            "新港区": {"slug": "xg", "abbr": "新港", "villages": ["港口村", "渔湾村", "盐场村"],
                     "streets": ["新港街道", "渔湾街道"], "communities": ["港湾社区", "渔湾新村社区"]},
        },
        "companies": [
            ("丰源市永利纸业有限公司", ["永利纸业", "永利造纸厂"]),
            ("丰源港城混凝土有限公司", ["港城混凝土", "港城搅拌站"]),
            ("丰源市新港船舶修造有限公司", ["新港船厂", "新港船舶"]),
            ("丰源市金穗米业有限公司", ["金穗米业"]),
        ],
        "projects": [
            ("丰源市新港大桥建设工程", ["新港大桥", "新港大桥工程"]),
            ("丰源市城关老城区雨污分流改造工程", ["雨污分流改造", "老城区雨污分流"]),
            ("丰源市新港区第一小学新建工程", ["新港一小", "新港一小新校区"]),
            ("丰源市滨海工业园区基础设施建设项目", ["滨海工业园基础设施", "工业园配套工程"]),
        ],
        "bus_lines": ["2路", "18路", "K6路"],
    },
}

# Agency kinds: key, slug, abbreviation used in document numbers, how applicants address it, level
KINDS = {
    "财政局": ("czj", "财", ["贵局", "你局", "财政局"], "both"),
    "自然资源和规划局": ("zrzy", "自然资规", ["贵局", "你局", "自然资源局"], "both"),
    "生态环境局": ("sthj", "环", ["贵局", "你局", "环保局"], "city"),
    "住房和城乡建设局": ("zjj", "建", ["贵局", "你局", "住建局"], "both"),
    "教育局": ("jyj", "教", ["贵局", "你局", "教育局"], "both"),
    "卫生健康委员会": ("wjw", "卫健", ["贵委", "你委", "卫健委"], "both"),
    "交通运输局": ("jtj", "交", ["贵局", "你局", "交通局"], "city"),
    "人力资源和社会保障局": ("rsj", "人社", ["贵局", "你局", "人社局"], "both"),
    "市场监督管理局": ("scjg", "市监", ["贵局", "你局", "市场监管局"], "both"),
    "发展和改革委员会": ("fgw", "发改", ["贵委", "你委", "发改委"], "city"),
    "区人民政府": ("qzf", "政", ["贵府", "区政府", "贵区政府"], "district"),
    "街道办事处": ("jd", "街", ["贵办", "街道办", "贵街道办事处"], "street"),
    "城市管理综合执法局": ("cgj", "城管", ["贵局", "你局", "城管局"], "both"),
    "公安局交通警察支队": ("jj", "公交管", ["贵支队", "交警支队", "交警"], "city"),
    "农业农村局": ("nyj", "农", ["贵局", "你局", "农业农村局"], "both"),
    "应急管理局": ("yjj", "应急", ["贵局", "你局", "应急局"], "city"),
    "民政局": ("mzj", "民", ["贵局", "你局", "民政局"], "both"),
}


@dataclass
class Agency:
    key: str
    kind: str
    name: str
    city: str
    district: str | None
    street: str | None
    abbr: str  # prefix of this agency's document numbers, e.g. 江环 or 临财

    @property
    def place_names(self):
        return self.district or self.city


def build_agencies(rng: random.Random) -> list[Agency]:
    out = []
    for city, c in CITIES.items():
        dists = list(c["districts"].items())
        for kind, (kslug, kabbr, _, level) in KINDS.items():
            if level in ("city", "both"):
                out.append(Agency(f"{c['slug']}-{kslug}", kind, f"{city}{kind}", city, None, None,
                                  c["abbr"] + kabbr))
            if level == "both":
                # one or two districts per city also get their own agency of this kind
                for dname, d in dists[: 1 + (len(dists) > 2 and kslug in ("czj", "zrzy", "zjj", "jyj", "cgj"))]:
                    out.append(Agency(f"{c['slug']}-{d['slug']}-{kslug}", kind, f"{city}{dname}{kind}",
                                      city, dname, None, d["abbr"] + kabbr))
            if level == "district":
                for dname, d in dists:
                    out.append(Agency(f"{c['slug']}-{d['slug']}-{kslug}", kind, f"{city}{dname}人民政府",
                                      city, dname, None, d["abbr"] + kabbr))
            if level == "street":
                for dname, d in dists[:2]:
                    s = d["streets"][0]
                    out.append(Agency(f"{c['slug']}-{d['slug']}-jd{d['streets'].index(s) + 1}", kind,
                                      f"{city}{dname}{s}办事处", city, dname, s, d["abbr"] + "街"))
    return out


# ---------------------------------------------------------------------------------------------
# Numerals, widths, traditional characters
# ---------------------------------------------------------------------------------------------
CN_DIGITS = "〇一二三四五六七八九"


def cn_year(y: int) -> str:
    return "".join(CN_DIGITS[int(ch)] for ch in str(y))


def cn_num(n: int) -> str:
    if n < 10:
        return "零一二三四五六七八九"[n]
    if n < 20:
        return "十" + ("" if n == 10 else cn_num(n - 10))
    if n < 100:
        return cn_num(n // 10) + "十" + ("" if n % 10 == 0 else cn_num(n % 10))
    rest = n % 100
    head = cn_num(n // 100) + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + cn_num(rest)
    return head + (cn_num(rest) if rest >= 20 else "一" + cn_num(rest))


def fullwidth(s: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ("0" <= ch <= "9" or "A" <= ch <= "Z" or "a" <= ch <= "z") else ch
                   for ch in s)


# Word-level first (characters whose traditional form depends on the word), then characters.
TRAD_WORDS = [("批复", "批覆"), ("答复", "答覆"), ("复印件", "複印件"), ("复印", "複印"), ("复函", "覆函"),
              ("关系", "關係"), ("台账", "臺賬"), ("村里", "村裡"), ("这里", "這裡"), ("哪里", "哪裡"),
              ("干部", "幹部"), ("发布", "發佈"), ("出台", "出臺"), ("只有", "只有"), ("里面", "裡面"),
              ("面积", "面積"), ("范围", "範圍"), ("规范", "規範"), ("制定", "制定"), ("系统", "系統")]
_S = ("与专业东丝两严个丰临为举么义乡书买乱争于亏云亚产亩亲亿仅从仓仪们价众优会伤伦体余侦侧侨债倾偿储儿党兰关兴养内册写军农冲决况冻净准凉减几凤凭击划则刚创删别剂剧劝办务动励劲劳势区医华协单卖卢卫却厂厅历厉压厕县参双发变叙叶号叹后吓吗启员响问园围国图圆圣场坏块坚坛坝坟垦垫处备复够头夹夺奋奖妇妈学宁宝实宪宫宽宾对寻导寿将尔尘层属岁岗岛岭峡币师帐带帮库应庙废开异弃张弹强归当录彻径忆态怀总恳恶惊惯愿战户扑执扩扫扬扰抚抢护报担拟拥择挂挡挤挥损换据携摄摆撑无旧时显晓暂术机杀杂权条来杨极构标栏树样档桥检楼横欢欧毁毕气汇汉汤沟没泽洁浅测济涨渊温湾满滤灭灯灵灾点炼热爱牵状独猪环现电画畅疗监盖盘矿码砖础确离种积称税稳穷窑笔签简类粮紧纠红约级纪纳纸纺线练组细织终经结绘给络绝统继绩续维综绿缆缓编缴网罚罗职联肃胁胜脑节范荐药获营蓝虑补规视览觉计订认议讯记讲许论设访证评识诉词译试诚询该详语误说请诸读调谁谈谓谢谨负贡财责败货质贩购贯费贴贵贷贸资赔赛赵赶跃践车轨转轮软轻载较辅辆输辖边达过运还这进远违连迟适选递遗邮邻郑释鉴针钟钢钱铁铺链销锁错键镇长门闭闲间闻阅队阳阴阶际陆陈险随隐难雾静项顺须领频题额风飞饮饲馆驻验骑鱼鸟鸿鹤黄齐龙审征迁偿装栋马兑吨摊鸣烧滩湿颁刘龄残贫闸涂苏烟层账岚腾庄厢滨围载断势驾驶听让见观万亿张单拨殡饭乐衔钩泄渔盐态")
_T = ("與專業東絲兩嚴個豐臨為舉麼義鄉書買亂爭於虧雲亞產畝親億僅從倉儀們價眾優會傷倫體餘偵側僑債傾償儲兒黨蘭關興養內冊寫軍農衝決況凍淨準涼減幾鳳憑擊劃則剛創刪別劑劇勸辦務動勵勁勞勢區醫華協單賣盧衛卻廠廳歷厲壓廁縣參雙發變敘葉號嘆後嚇嗎啟員響問園圍國圖圓聖場壞塊堅壇壩墳墾墊處備復夠頭夾奪奮獎婦媽學寧寶實憲宮寬賓對尋導壽將爾塵層屬歲崗島嶺峽幣師帳帶幫庫應廟廢開異棄張彈強歸當錄徹徑憶態懷總懇惡驚慣願戰戶撲執擴掃揚擾撫搶護報擔擬擁擇掛擋擠揮損換據攜攝擺撐無舊時顯曉暫術機殺雜權條來楊極構標欄樹樣檔橋檢樓橫歡歐毀畢氣匯漢湯溝沒澤潔淺測濟漲淵溫灣滿濾滅燈靈災點煉熱愛牽狀獨豬環現電畫暢療監蓋盤礦碼磚礎確離種積稱稅穩窮窯筆簽簡類糧緊糾紅約級紀納紙紡線練組細織終經結繪給絡絕統繼績續維綜綠纜緩編繳網罰羅職聯肅脅勝腦節範薦藥獲營藍慮補規視覽覺計訂認議訊記講許論設訪證評識訴詞譯試誠詢該詳語誤說請諸讀調誰談謂謝謹負貢財責敗貨質販購貫費貼貴貸貿資賠賽趙趕躍踐車軌轉輪軟輕載較輔輛輸轄邊達過運還這進遠違連遲適選遞遺郵鄰鄭釋鑑針鐘鋼錢鐵鋪鏈銷鎖錯鍵鎮長門閉閒間聞閱隊陽陰階際陸陳險隨隱難霧靜項順須領頻題額風飛飲飼館駐驗騎魚鳥鴻鶴黃齊龍審徵遷償裝棟馬兌噸攤鳴燒灘濕頒劉齡殘貧閘塗蘇煙層賬嵐騰莊廂濱圍載斷勢駕駛聽讓見觀萬億張單撥殯飯樂銜鉤洩漁鹽態")
assert len(_S) == len(_T), (len(_S), len(_T))
TRAD_CHARS = dict(zip(_S, _T))


def to_traditional(s: str) -> str:
    for a, b in TRAD_WORDS:
        s = s.replace(a, b)
    return "".join(TRAD_CHARS.get(ch, ch) for ch in s)


# ---------------------------------------------------------------------------------------------
# Periods and their written forms
# ---------------------------------------------------------------------------------------------
QN = ["一", "二", "三", "四"]


def q_bounds(y, q):
    start = date(y, 3 * q - 2, 1)
    end = (date(y + (q == 4), (3 * q) % 12 + 1, 1)) - timedelta(days=1)
    return start, end


def m_end(y, m):
    return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


def render_period(per, form, recv: date) -> str | None:
    """Render a period (('year', y) / ('quarter', y, q) / ('month', y, m)); None if the form
    does not apply (a relative form that does not resolve from recv)."""
    kind, y = per[0], per[1]
    if kind == "year":
        return {
            "std": f"{y}年", "du": f"{y}年度", "cn": f"{cn_year(y)}年", "fw": f"{fullwidth(str(y))}年",
            "cndu": f"{cn_year(y)}年度",
            "rel": {0: "今年", 1: "去年", 2: "前年"}.get(recv.year - y),
            "reldu": {0: "本年度", 1: "上一年度", 2: None}.get(recv.year - y),
        }[form]
    if kind == "quarter":
        q = per[2]
        s, e = q_bounds(y, q)
        nxt_s, nxt_e = q_bounds(y + (q == 4), q % 4 + 1)
        rel = None
        if nxt_s <= recv <= nxt_e:
            rel = "上季度" if recv.day % 2 else "上一季度"
        elif recv.year == y:
            rel = f"今年第{QN[q - 1]}季度"
        elif recv.year == y + 1:
            rel = f"去年{QN[q - 1]}季度"
        return {
            "di": f"{y}年第{QN[q - 1]}季度", "nodi": f"{y}年{QN[q - 1]}季度",
            "dash": f"{y}年{s.month}—{e.month}月", "zhi": f"{y}年{s.month}月至{e.month}月",
            "Q": f"{y}年Q{q}", "Qs": f"{y}Q{q}", "days": f"{y}年{s.month}月1日至{e.month}月{e.day}日",
            "cn": f"{cn_year(y)}年第{QN[q - 1]}季度", "fw": f"{fullwidth(str(y))}年第{fullwidth(str(q))}季度",
            "iso": f"{s.isoformat()}至{e.isoformat()}", "rel": rel,
        }[form]
    if kind == "month":
        m = per[2]
        e = m_end(y, m)
        nxt = e + timedelta(days=1)
        rel = None
        if (recv.year, recv.month) == (nxt.year, nxt.month):
            rel = "上个月" if recv.day % 2 else "上月"
        elif recv.year == y:
            rel = f"今年{m}月"
        elif recv.year == y + 1:
            rel = f"去年{m}月"
        return {
            "std": f"{y}年{m}月", "cn": f"{y}年{cn_num(m)}月", "dot": f"{y}.{m}", "dash": f"{y}-{m:02d}",
            "fw": f"{fullwidth(str(y))}年{fullwidth(str(m))}月", "days": f"{y}年{m}月1日至{m}月{e.day}日",
            "cnall": f"{cn_year(y)}年{cn_num(m)}月", "rel": rel,
        }[form]
    raise ValueError(per)


PERIOD_FORMS = {
    "year": ["std", "std", "du", "cn", "fw", "cndu", "rel", "rel", "reldu"],
    "quarter": ["di", "di", "nodi", "dash", "zhi", "Q", "Qs", "days", "cn", "fw", "iso", "rel", "rel"],
    "month": ["std", "std", "cn", "dot", "dash", "fw", "days", "cnall", "rel", "rel"],
}


def period_end(per) -> date:
    if per[0] == "year":
        return date(per[1], 12, 31)
    if per[0] == "quarter":
        return q_bounds(per[1], per[2])[1]
    return m_end(per[1], per[2])


# ---------------------------------------------------------------------------------------------
# Document numbers and codes
# ---------------------------------------------------------------------------------------------
DOC_FORMS = ["lent", "lent", "square", "paren", "paren_fw", "di", "year_di", "cn", "fw", "nopref", "hao_wen",
             "space"]


def render_docno(doc, form) -> str:
    pref, y, n = doc
    return {
        "lent": f"{pref}〔{y}〕{n}号", "square": f"{pref}[{y}]{n}号", "paren": f"{pref}({y}){n}号",
        "paren_fw": f"{pref}（{y}）{n}号", "di": f"{pref}〔{y}〕第{n}号", "year_di": f"{y}年第{n}号",
        "cn": f"{cn_year(y)}年第{cn_num(n)}号", "fw": f"{pref}〔{fullwidth(str(y))}〕{fullwidth(str(n))}号",
        "nopref": f"〔{y}〕{n}号", "hao_wen": f"{pref}{y}年{n}号文", "space": f"{pref} 〔{y}〕 {n} 号",
    }[form]


CODE_FORMS = ["dash", "dash", "nosep", "space", "fwdash", "lower", "fw", "nozero"]


def render_code(code, form) -> str:
    letters, n, width = code
    num = f"{n:0{width}d}"
    return {
        "dash": f"{letters}-{num}", "nosep": f"{letters}{num}", "space": f"{letters} {num}",
        "fwdash": f"{letters}－{num}", "lower": f"{letters.lower()}-{num}", "fw": fullwidth(f"{letters}{num}"),
        "nozero": f"{letters}-{n}",
    }[form]


# ---------------------------------------------------------------------------------------------
# Subjects. Placeholders in phrasings:
#   {P} period  {D} document number  {C} code  {E} company/project name  {L} place  {T}/{t} document
#   type (formal/colloquial)  {U} umbrella term or its parts  {O} how the applicant names the agency
#   {A} the agency's area (city or district)
# A segment in [[ ... ]] is dropped when a placeholder in it renders empty (an omitted number).
# ---------------------------------------------------------------------------------------------
@dataclass
class Subject:
    key: str
    kinds: list[str]  # agency kinds, or ["*"] for every kind
    period: str | None = None  # year / quarter / month
    years: tuple[int, int] = (2022, 2025)
    doc: str | None = None  # document-number infix after the agency abbreviation, e.g. 罚 -> 江环罚
    doc_prov: bool = False  # numbered by the province (land approvals)
    code: str | None = None  # code letters, e.g. WJ
    place: str | None = None  # village / street / community / district / bus_line / school
    entity: str | None = None  # company / project
    doctypes: list[tuple[str, str]] = field(default_factory=list)
    umbrella: list[tuple[str, str]] | None = None  # (whole, parts) pairs
    formal: list[str] = field(default_factory=list)
    colloq: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    current_year: bool = False  # information about the year the request is made in (today's budget)


SANGONG = [("“三公”经费", "因公出国（境）费、公务接待费、公务用车购置及运行费"),
           ("三公经费", "因公出国(境)经费、公务接待费和公务用车购置及运行维护费"),
           ("三公经费", "出国出境费用、公务接待费用以及公车购置和运行费用")]
YUJUESUAN = [("部门预决算", "部门预算和部门决算"), ("预决算", "预算、决算"), ("预决算信息", "预算信息和决算信息")]
LIANGHUI = [("两会建议提案", "人大代表建议和政协委员提案"), ("两会代表委员建议提案", "人大代表建议、政协提案"),
            ("两会期间代表委员提的建议提案", "市人大代表建议和市政协提案")]
ANJUAN = [("执法案卷", "立案审批表、现场检查笔录、调查询问笔录、处罚决定书等全部案卷材料"),
          ("全部执法卷宗", "立案、调查取证、告知、决定、执行各环节的文书"),
          ("执法案卷材料", "现场勘验笔录、询问笔录、限期整改通知书和处理决定")]

SUBJECTS: list[Subject] = [
    Subject("budget", ["*"], period="year", years=(2022, 2026), umbrella=YUJUESUAN,
            formal=["{O}{P}{U}公开文本", "{P}{O}{U}及相关说明", "{O}{P}的{U}（含收支总表、财政拨款支出表）",
                    "{P}本部门{U}的全部表格及情况说明", "贵单位{P}{U}报告"],
            colloq=["你们{P}的{U}，就是钱怎么花的那些表", "{P}你们单位的{U}，花了多少钱、打算花多少钱的账",
                    "{P}的{U}，网上没找到", "想看看{O}{P}的收支账本（{U}）"],
            reasons=["作为纳税人，希望了解财政资金使用情况，", "本人从事财政预算公开研究，需要相关数据，"]),
    Subject("sangong", ["*"], period="year", years=(2022, 2025), umbrella=SANGONG,
            formal=["{O}{P}{U}的预算数及决算数", "{P}{U}支出情况及增减变化原因说明", "{P}{U}决算明细",
                    "{O}{P}{U}具体金额"],
            colloq=["{P}你们单位{U}一共花了多少", "{O}{P}吃喝、出国、公车这些钱（{U}）的账", "{P}{U}到底花了多少钱"],
            reasons=["为监督公务支出，", "本人关注政府机关厉行节约情况，"]),
    Subject("npc_reply", ["*"], period="year", years=(2022, 2026), umbrella=LIANGHUI, current_year=True,
            formal=["{O}{P}办理{U}的答复函及办理结果", "{P}{O}承办的{U}答复全文", "{P}{U}办理情况总体报告及逐件答复",
                    "{O}对{P}{U}的办理答复"],
            colloq=["{P}{U}你们是怎么回复的", "{P}开{U}时候提的意见，你们的回复", "{O}{P}给代表委员的回复（{U}）"],
            reasons=["本人是{A}居民，关心代表委员所提问题的办理情况，", "为了解民生建议的落实情况，"]),
    Subject("hiring", ["人力资源和社会保障局", "教育局", "卫生健康委员会", "*"], period="year", years=(2022, 2026),
            doctypes=[("公开招聘工作人员拟聘用人员名单", "拟录用的名单"), ("公开招聘工作人员笔试面试成绩", "考试成绩"),
                      ("公开招聘工作人员岗位条件及资格审查结果", "报名资格审核结果")],
            formal=["{O}{P}{T}", "{P}{A}所属事业单位{T}", "{A}{P}{T}及确定依据"],
            colloq=["{P}你们招人的{t}", "我{P}报考了{O}的岗位，想看{t}", "{P}招考的{t}，公示期太短没看到"],
            reasons=["本人参加了该次招聘考试，", "作为考生，对招聘结果有疑问，"], current_year=True),
    # ---- 财政局
    Subject("fin_fund", ["财政局"], doc="预", period="year", years=(2022, 2025),
            doctypes=[("专项资金分配方案的通知", "分钱的文件"), ("专项资金绩效评价报告", "花钱效果的评价报告"),
                      ("专项资金管理办法", "管理办法")],
            place="district",
            formal=["{P}{L}乡村振兴{T}[[（{D}）]]", "{P}拨付{L}的乡村振兴{T}[[，文号{D}]]",
                    "[[{D}]]{P}{L}乡村振兴{T}"],
            colloq=["{P}给{L}的乡村振兴{t}[[，{D}]]", "{L}{P}拿到的乡村振兴钱的{t}"],
            reasons=["为了解专项资金是否足额下达，"]),
    Subject("fin_debt", ["财政局"], period="year", years=(2022, 2025),
            place="district",
            formal=["{P}{L}新增地方政府专项债券资金使用项目清单", "{L}{P}专项债券发行额度及投向明细",
                    "{P}下达{L}的政府专项债券资金安排情况"],
            colloq=["{L}{P}借的专项债都用到哪些项目上了", "{P}{L}发的专项债钱花在哪"],
            reasons=["本人关注地方债务情况，"]),
    # ---- 自然资源和规划局
    Subject("land_approval", ["自然资源和规划局", "区人民政府"], doc="土", doc_prov=True, period="year",
            years=(2021, 2025), place="village",
            doctypes=[("集体土地征收的批复", "征地批文"), ("征收土地方案公告", "征地公告"),
                      ("征地补偿安置方案", "补偿安置方案")],
            formal=["{L}土地征收所涉{P}{T}[[（{D}）]]", "[[{D}]]涉及{L}的{T}（{P}批次）",
                    "{P}{A}城镇建设用地批次中{L}的{T}", "{L}征地的{T}（{P}）[[，文号为{D}]]",
                    "{L}范围内的{T}及附图（{P}）"],
            colloq=["我们{L}的地被征了，想看{P}的{t}", "{P}{L}征地的{t}[[，听说是{D}]]",
                    "{L}的地{P}被征收了，一直没见到{t}", "村里（{L}）{P}征地，{t}在哪能看到"],
            reasons=["因本人承包地在征收范围内，", "本人系{L}村民，家庭承包地被征收，", "为核实征地程序是否合法，"]),
    Subject("plan_permit", ["自然资源和规划局"], doc="建", period="year", years=(2021, 2025), entity="project",
            doctypes=[("建设工程规划许可证及附图", "规划许可证"), ("建设工程设计方案审查意见", "设计方案批复"),
                      ("规划条件核实意见书", "规划验收的文件")],
            formal=["{E}的{T}[[（{D}）]]", "{P}核发的{E}{T}", "[[编号为{D}的]]{E}{T}", "关于{E}（{P}审批）的{T}"],
            colloq=["{E}的{t}，那个楼挡了我家采光", "{P}批的{E}{t}", "{E}到底有没有{t}[[，是不是{D}]]"],
            reasons=["因该项目紧邻本人住宅，影响采光通风，", "本人对该项目的建设高度有疑问，"]),
    Subject("land_transfer", ["自然资源和规划局"], code="WJ", period="year", years=(2022, 2025), place="district",
            doctypes=[("国有建设用地使用权出让合同", "卖地合同"), ("地块规划条件", "规划条件"),
                      ("国有建设用地使用权挂牌出让成交公示", "成交结果")],
            formal=["{L}{C}地块{T}", "{P}出让的{L}{C}号地块{T}", "{C}地块（位于{L}，{P}出让）的{T}"],
            colloq=["{L}{C}那块地的{t}", "{P}卖掉的{L}{C}号地的{t}"],
            reasons=["本人居住在该地块周边，", "为了解周边规划情况，"]),
    Subject("detail_plan", ["自然资源和规划局"], period="year", years=(2021, 2025), place="street",
            formal=["{L}片区控制性详细规划（{P}修编）批复及图则", "{P}批准的{L}控规调整方案及论证报告",
                    "{L}单元控制性详细规划{P}调整的批复"],
            colloq=["{L}那一片{P}改的规划图", "{P}{L}控规改了，想看看改成什么样"],
            reasons=["本人房屋位于规划范围内，"]),
    # ---- 生态环境局
    Subject("eia_approval", ["生态环境局"], doc="审", period="year", years=(2021, 2025), entity="company",
            doctypes=[("建设项目环境影响报告书的批复", "环评批复"), ("建设项目竣工环境保护验收意见", "环保验收"),
                      ("建设项目环境影响报告书（报批稿）", "环评报告全本")],
            formal=["{E}扩建项目{T}[[（{D}）]]", "{P}对{E}技改项目作出的{T}", "[[{D}]]《关于{E}年产5万吨项目{T}》",
                    "关于{E}新建生产线项目的{T}（{P}）"],
            colloq=["{E}那个厂扩建的{t}[[，文号{D}]]", "{P}{E}上新项目，有没有{t}", "离我家不远的{E}的{t}"],
            reasons=["因该企业距本人住所不足五百米，担心污染，", "周边居民长期受异味困扰，"]),
    Subject("env_penalty", ["生态环境局"], doc="罚", period="year", years=(2021, 2025), entity="company",
            doctypes=[("行政处罚决定书", "处罚决定"), ("责令改正违法行为决定书", "责令整改的决定"),
                      ("行政处罚听证告知书", "听证告知书")],
            formal=["对{E}作出的{T}[[（{D}）]]", "{P}{E}环境违法案件{T}", "[[{D}]]{T}（当事人：{E}）",
                    "{O}{P}针对{E}超标排放的{T}"],
            colloq=["{E}偷排被罚的{t}[[，{D}]]", "{P}你们罚{E}的那份{t}", "{E}排污被查，想看{t}"],
            reasons=["本人曾举报该企业违法排污，", "作为举报人，想了解处理结果，"]),
    Subject("env_monitor", ["生态环境局"], period="quarter", years=(2022, 2026), place="district",
            formal=["{P}{L}地表水国控断面水质监测数据", "{L}{P}空气质量自动监测站逐日监测数据", "{P}{L}重点排污单位监督性监测结果"],
            colloq=["{L}{P}河里的水质检测数据", "{P}{L}的空气检测数据，每天的那种"],
            reasons=["为了解辖区环境质量变化，"]),
    # ---- 住房和城乡建设局
    Subject("expropriation", ["住房和城乡建设局", "区人民政府"], doc="征", period="year", years=(2021, 2025),
            entity="project",
            doctypes=[("国有土地上房屋征收决定", "征收决定"), ("房屋征收补偿方案", "补偿方案"),
                      ("房屋征收实施方案", "实施方案")],
            formal=["{E}的{T}[[（{D}）]]", "[[{D}]]{E}{T}", "{P}作出的{E}{T}及社会稳定风险评估结论",
                    "关于{E}范围内{T}（{P}）"],
            colloq=["我家房子在{E}范围里，想看{t}", "{E}拆迁的{t}[[，是{D}]]", "{P}{E}拆迁，到底有没有{t}"],
            reasons=["因本人房屋在征收范围内，", "本人系被征收人，对补偿标准有异议，"]),
    Subject("afford_housing", ["住房和城乡建设局"], period="year", years=(2022, 2026), place="district",
            doctypes=[("公共租赁住房分配结果名单", "公租房分配名单"), ("保障性租赁住房轮候人员名单", "排队名单"),
                      ("经济适用住房摇号分配结果", "摇号结果")],
            formal=["{P}{L}{T}", "{L}{P}第一批{T}", "{P}{L}{T}及分配规则"],
            colloq=["{P}{L}的{t}，我排了好几年没轮到", "{L}{P}的{t}，想看看都是谁"],
            reasons=["本人已申请保障房多年，", "本人为轮候家庭，"], current_year=True),
    Subject("constr_permit", ["住房和城乡建设局"], doc="施", period="year", years=(2021, 2025), entity="project",
            formal=["{E}建筑工程施工许可证[[（{D}）]]", "[[{D}]]{E}施工许可证及申请材料", "{P}核发的{E}施工许可"],
            colloq=["{E}工地有没有施工许可证[[，号是{D}]]", "{E}晚上施工，到底有没有办证"],
            reasons=["因该工地夜间施工扰民，"]),
    Subject("repair_fund", ["住房和城乡建设局", "街道办事处"], period="year", years=(2022, 2025), place="community",
            formal=["{L}{P}住宅专项维修资金使用明细", "{P}{L}加装电梯及维修资金使用审批材料", "{L}小区{P}维修资金划拨记录"],
            colloq=["我们{L}{P}动用维修基金的账", "{P}{L}修电梯用了多少维修资金"],
            reasons=["本人系该小区业主，"]),
    # ---- 教育局
    Subject("school_zone", ["教育局"], period="year", years=(2022, 2026), place="school",
            doctypes=[("义务教育招生施教区划分方案", "划片范围"), ("招生入学实施细则", "招生政策"),
                      ("新生录取名单统计", "录取人数")],
            formal=["{P}{L}{T}", "{L}{P}秋季{T}", "{P}{A}义务教育阶段{L}的{T}"],
            colloq=["孩子{P}要上学，想知道{L}的{t}", "{P}{L}的{t}，我家小区划到哪了"],
            reasons=["因孩子今年适龄入学，", "本人小区学区划分有变化，"], current_year=True),
    Subject("school_build", ["教育局", "发展和改革委员会"], period="year", years=(2021, 2025), entity="school_project",
            doctypes=[("可行性研究报告批复", "可研批复"), ("建设进度及竣工时间安排", "什么时候建好"),
                      ("施工总承包招标结果", "中标的施工单位")],
            formal=["{E}{T}", "{P}{E}的{T}", "关于{E}（{P}立项）{T}"],
            colloq=["{E}的{t}", "{E}{P}说要建，想知道{t}"],
            reasons=["本人小区对口该学校，"]),
    # ---- 卫生健康委员会
    Subject("health_penalty", ["卫生健康委员会"], doc="罚", period="year", years=(2021, 2025), entity="company",
            formal=["对{E}作出的卫生行政处罚决定书[[（{D}）]]", "[[{D}]]卫生行政处罚决定书（{E}）", "{P}{E}违法案件的处罚决定"],
            colloq=["{E}被卫健委罚款的决定书[[，{D}]]", "{P}{E}被罚那件事的处罚书"],
            reasons=["本人曾在该单位就诊并投诉，"]),
    Subject("hospital_price", ["卫生健康委员会"], period="year", years=(2022, 2026), place="district",
            formal=["{P}{L}公立医院医疗服务价格调整方案", "{L}{P}基层医疗机构基本公共卫生服务经费分配表",
                    "{P}{L}家庭医生签约服务考核结果"],
            colloq=["{L}{P}医院看病收费调价的文件", "{P}{L}社区医院的家庭医生考核结果"],
            reasons=["为了解医疗收费标准，"]),
    Subject("vaccine", ["卫生健康委员会"], period="quarter", years=(2023, 2026), place="district",
            formal=["{P}{L}非免疫规划疫苗采购及接种情况统计", "{L}{P}疑似预防接种异常反应监测报告"],
            colloq=["{P}{L}打疫苗的统计数", "{L}{P}打疫苗出反应的情况"],
            reasons=["本人孩子接种后出现不良反应，"]),
    # ---- 交通运输局
    Subject("bus_line", ["交通运输局"], period="month", years=(2023, 2026), place="bus_line",
            doctypes=[("线路优化调整方案", "改线方案"), ("站点调整听证及意见征集结果", "征求意见的结果")],
            formal=["{P}公交{L}{T}", "{A}公交{L}（{P}实施）的{T}", "关于{P}{L}公交线路{T}"],
            colloq=["{P}{L}公交车改线的{t}，我们站被取消了", "{L}{P}改道了，想看{t}"],
            reasons=["因线路调整后本人出行不便，"]),
    Subject("road_project", ["交通运输局", "住房和城乡建设局", "发展和改革委员会"], period="year", years=(2021, 2025),
            entity="infra_project",
            doctypes=[("初步设计批复", "设计批复"), ("施工招标中标结果及施工合同", "施工合同"),
                      ("工程竣工验收报告", "验收报告")],
            formal=["{E}{T}", "{P}{E}{T}全文", "{E}（{P}）{T}及附件"],
            colloq=["{E}的{t}，修了好久还没修完", "{P}修{E}的{t}"],
            reasons=["本人为沿线居民，", "为监督工程质量，"]),
    Subject("taxi_quota", ["交通运输局"], period="year", years=(2022, 2025),
            formal=["{P}{A}出租汽车运力投放方案及经营权配置结果", "{A}{P}网约车平台经营许可及车辆数量统计"],
            colloq=["{P}{A}新增出租车指标怎么分的", "{A}{P}网约车有多少辆"],
            reasons=["本人从事出租车行业，"]),
    # ---- 人社局
    Subject("social_subsidy", ["人力资源和社会保障局"], period="quarter", years=(2022, 2026), place="district",
            doctypes=[("灵活就业人员社会保险补贴发放名单", "社保补贴名单"), ("就业困难人员公益性岗位补贴发放明细", "公益岗补贴")],
            formal=["{P}{L}{T}", "{L}{P}{T}及补贴金额", "{P}{A}{L}享受{T}"],
            colloq=["{P}{L}的{t}，我没收到钱", "{L}{P}{t}都发给谁了"],
            reasons=["本人符合补贴条件却未收到补贴，"]),
    Subject("labor_penalty", ["人力资源和社会保障局"], doc="监罚", period="year", years=(2021, 2025), entity="company",
            formal=["对{E}拖欠工资作出的劳动保障监察行政处理决定书[[（{D}）]]", "[[{D}]]劳动保障监察处罚决定（{E}）",
                    "{P}{E}欠薪案件的处理决定"],
            colloq=["{E}拖欠我们工资，你们的处理决定[[（{D}）]]", "{P}{E}欠薪投诉的处理结果"],
            reasons=["本人为该公司员工，被拖欠工资，"]),
    # ---- 市场监督管理局
    Subject("food_sampling", ["市场监督管理局"], period="quarter", years=(2022, 2026), place="district",
            formal=["{P}{L}食品安全监督抽检结果", "{L}{P}食品抽检不合格产品核查处置情况", "{P}{L}校园周边食品抽检信息"],
            colloq=["{P}{L}的食品抽检结果", "{L}{P}抽检不合格的食品有哪些"],
            reasons=["关注食品安全，"]),
    Subject("market_penalty", ["市场监督管理局"], doc="罚", period="year", years=(2021, 2025), entity="company",
            doctypes=[("行政处罚决定书", "处罚决定"), ("案件调查终结报告", "调查报告")],
            formal=["对{E}作出的{T}[[（{D}）]]", "[[{D}]]{T}（{E}）", "{P}{E}价格违法案{T}"],
            colloq=["我投诉{E}的那件事的{t}[[，{D}]]", "{P}你们查{E}的{t}"],
            reasons=["本人系该案投诉举报人，"]),
    # ---- 发改委
    Subject("project_approval", ["发展和改革委员会"], doc="投资", period="year", years=(2021, 2025), entity="project",
            doctypes=[("项目建议书批复", "立项批复"), ("可行性研究报告批复", "可研批复"), ("初步设计及概算批复", "概算批复")],
            formal=["{E}{T}[[（{D}）]]", "[[{D}]]关于{E}{T}", "{P}{E}的{T}及投资估算"],
            colloq=["{E}的{t}[[，文号{D}]]", "{E}{P}批下来的{t}，总共投资多少"],
            reasons=["为了解项目投资规模，"]),
    Subject("price_hearing", ["发展和改革委员会"], period="year", years=(2022, 2026),
            formal=["{P}{A}居民阶梯水价调整听证会会议纪要及听证报告", "{A}{P}管道天然气价格调整成本监审报告"],
            colloq=["{P}{A}水价涨价的听证会记录", "{A}{P}天然气涨价的成本调查报告"],
            reasons=["本人作为普通居民关注价格调整，"], current_year=True),
    # ---- 区人民政府
    Subject("gov_meeting", ["区人民政府"], period="month", years=(2023, 2026),
            formal=["{P}区政府常务会议纪要", "{A}人民政府{P}常务会议议定事项", "{P}召开的区政府常务会议会议纪要全文"],
            colloq=["{P}区政府开会的会议纪要", "{A}{P}常务会开会定了啥"],
            reasons=["为了解与本人相关事项的决策过程，"]),
    Subject("illegal_demolition", ["区人民政府", "街道办事处", "城市管理综合执法局"], doc="拆", period="year",
            years=(2022, 2025), place="village",
            doctypes=[("违法建筑限期拆除决定书", "拆违决定"), ("强制拆除公告", "强拆公告"), ("强制拆除实施方案", "强拆方案")],
            formal=["{L}涉案房屋{T}[[（{D}）]]", "[[{D}]]{T}（{L}）", "{P}对{L}违建作出的{T}"],
            colloq=["我家在{L}的房子被强拆了，想看{t}[[，{D}]]", "{P}{L}拆房子的{t}"],
            reasons=["本人房屋被认定为违法建筑，", "因本人房屋被拆除，"]),
    # ---- 街道办事处
    Subject("old_community", ["街道办事处", "住房和城乡建设局"], period="year", years=(2022, 2026), place="community",
            doctypes=[("老旧小区改造实施方案", "改造方案"), ("老旧小区改造工程施工合同及预算", "改造花了多少钱")],
            formal=["{P}{L}{T}", "{L}{P}{T}及居民意见征询结果", "{P}纳入改造计划的{L}{T}"],
            colloq=["我们{L}{P}老小区改造的{t}", "{P}{L}改造，{t}"],
            reasons=["本人系该小区居民，改造后问题较多，"], current_year=True),
    Subject("street_ledger", ["街道办事处"], period="quarter", years=(2023, 2026), place="community",
            formal=["{P}{L}网格化管理信访事项处理台账", "{L}{P}12345热线工单办理情况统计"],
            colloq=["{P}{L}投诉的处理记录", "{L}{P}打12345反映问题的处理情况"],
            reasons=["本人多次反映问题未得到解决，"]),
    # ---- 城管
    Subject("enforce_file", ["城市管理综合执法局", "市场监督管理局", "生态环境局", "应急管理局"], doc="执", period="year",
            years=(2021, 2025), entity="company", umbrella=ANJUAN,
            formal=["{P}对{E}立案查处的{U}[[（决定书文号：{D}）]]", "[[{D}]]案件（当事人{E}）{U}", "{E}违法案的{U}（{P}）"],
            colloq=["{P}你们查{E}那个案子的{U}", "{E}被查的案子，{U}都想看"],
            reasons=["本人为该案利害关系人，", "为维护自身合法权益，"]),
    Subject("stall_penalty", ["城市管理综合执法局"], doc="罚", period="month", years=(2023, 2026), place="street",
            formal=["{P}{L}占道经营行政处罚决定书[[（{D}）]]", "[[{D}]]{L}占道经营处罚决定（{P}）"],
            colloq=["{P}我在{L}摆摊被罚了，要那份处罚决定[[，{D}]]", "{L}{P}摆地摊被处罚的决定书"],
            reasons=["本人对处罚有异议，拟申请复议，"]),
    # ---- 交警
    Subject("camera", ["公安局交通警察支队"], period="year", years=(2022, 2026), place="district",
            formal=["{P}{L}新增电子警察（交通技术监控设备）设置地点及论证材料", "{L}{P}测速抓拍设备设置位置清单",
                    "{P}{L}闯红灯抓拍设备检定证书"],
            colloq=["{P}{L}新装的摄像头都在哪", "{L}{P}抓拍测速的地方"],
            reasons=["本人在该路段被抓拍违法，"], current_year=True),
    Subject("traffic_notice", ["公安局交通警察支队"], doc="通告", period="month", years=(2023, 2026), place="district",
            formal=["{P}{L}货车限行通告[[（{D}）]]", "[[{D}]]{L}机动车限行管理规定", "{P}发布的{L}道路交通管制措施"],
            colloq=["{P}{L}限行的文件[[，{D}]]", "{L}{P}开始货车不让进城的文件"],
            reasons=["本人从事货运，受限行影响，"]),
    # ---- 农业农村局
    Subject("farm_subsidy", ["农业农村局"], period="year", years=(2022, 2025), place="village",
            doctypes=[("耕地地力保护补贴发放名单", "种粮补贴名单"), ("农机购置补贴资金兑付明细", "农机补贴"),
                      ("生猪养殖补贴发放清册", "养猪补贴")],
            formal=["{P}{L}{T}", "{L}{P}{T}及补贴面积", "{P}涉及{L}的{T}"],
            colloq=["{P}我们{L}的{t}，好多人没拿到", "{L}{P}的{t}"],
            reasons=["本人系{L}村民，怀疑补贴被冒领，"]),
    Subject("farmland_project", ["农业农村局"], code="GB", period="year", years=(2021, 2025), place="district",
            formal=["{P}{L}高标准农田建设项目（标段{C}）施工合同及验收报告", "{L}高标准农田{C}标段{P}项目竣工决算",
                    "{P}{L}高标准农田建设{C}标段招标结果"],
            colloq=["{L}{P}高标准农田{C}标段到底花了多少钱", "{P}{L}修农田{C}那个标段的验收"],
            reasons=["本人承包地在项目区内，"]),
    # ---- 应急管理局
    Subject("accident_report", ["应急管理局"], period="month", years=(2022, 2025), entity="company",
            doctypes=[("生产安全事故调查报告", "事故调查报告"), ("事故调查报告批复", "事故报告的批复"),
                      ("事故责任单位整改落实情况评估", "整改落实情况")],
            formal=["{E}“{P}”较大生产安全事故{T}", "{P}{E}安全事故{T}", "关于{E}{P}事故的{T}"],
            colloq=["{P}{E}出事故的{t}", "{E}{P}那次爆炸的{t}"],
            reasons=["本人亲属在该事故中受伤，"]),
    Subject("safety_penalty", ["应急管理局"], doc="罚", period="year", years=(2021, 2025), entity="company",
            formal=["对{E}的安全生产行政处罚决定书[[（{D}）]]", "[[{D}]]安全生产处罚决定（{E}）", "{P}{E}安全生产违法案件处罚决定"],
            colloq=["{E}被安监罚款的决定[[，{D}]]", "{P}{E}安全检查被罚的文书"],
            reasons=["本人为该企业员工，关注安全生产，"]),
    # ---- 民政局
    Subject("dibao", ["民政局", "街道办事处"], period="month", years=(2023, 2026), place="street",
            doctypes=[("城乡最低生活保障对象名单", "低保名单"), ("特困人员救助供养名单", "特困供养名单"),
                      ("临时救助发放明细", "临时救助")],
            formal=["{P}{L}{T}", "{L}{P}{T}（含保障金额）", "{P}{L}新增{T}"],
            colloq=["{P}{L}的{t}，有人不符合条件也吃低保", "{L}{P}{t}"],
            reasons=["本人怀疑有不符合条件的人享受救助，"]),
    Subject("elder_care", ["民政局"], period="year", years=(2022, 2025), place="community",
            formal=["{P}{L}养老服务中心运营补贴发放情况", "{L}居家养老服务站{P}建设补助资金拨付明细",
                    "{P}拨付{L}日间照料中心的运营补助及绩效考核结果"],
            colloq=["{L}那个养老中心{P}拿了多少补贴", "{P}{L}老年食堂的补贴"],
            reasons=["本人家中老人入住该机构，"]),
]
SUBJECT_BY_KEY = {s.key: s for s in SUBJECTS}


def subjects_for(kind: str) -> list[Subject]:
    own = [s for s in SUBJECTS if kind in s.kinds and "*" not in s.kinds]
    general = [s for s in SUBJECTS if "*" in s.kinds and kind not in s.kinds]
    return own + general


# ---------------------------------------------------------------------------------------------
# Request patterns (how an application is written around "what is asked for")
#   {W} what   {R} reason   {L} legal citation   {V} delivery wish   {O} agency   {N} applicant's self
# ---------------------------------------------------------------------------------------------
LAW = ["根据《中华人民共和国政府信息公开条例》第二十七条的规定，", "依据《政府信息公开条例》第二十七条、第二十九条，",
       "根据《中华人民共和国政府信息公开条例》的相关规定，", "依照《条例》第二十九条，", "按照政府信息公开条例，",
       "依据《中华人民共和国政府信息公开条例》（国务院令第711号），", "根据政府信息公开条例第二十七条，",
       "依据《中华人民共和国政府信息公开条例》第十条、第二十七条，"]
DELIV = ["请以电子邮件方式提供。", "请通过电子邮件发送扫描件。", "希望以纸质复印件邮寄。", "请邮寄纸质件至本人地址。",
         "可在线提供电子版。", "本人将到现场查阅。", "请提供加盖公章的复印件。", "请通过平台在线答复。",
         "电子版即可，发到我邮箱。", "麻烦寄给我纸质的。"]
FORMAL_PATTERNS = [
    "{L}申请公开{W}。{V}",
    "{L}{R}特申请公开{W}。{V}",
    "本人申请公开{W}。",
    "申请公开：{W}。{V}",
    "现向{O}申请获取{W}。{R}{V}",
    "{R}依法申请{O}公开{W}。",
    "请公开{W}。",
    "申请内容：{W}。用途：{R}{V}",
    "所需信息：{W}。{L}特此申请。",
    "{O}：{L}本人申请公开以下信息：{W}。{V}",
    "恳请{O}提供{W}。{R}谢谢。",
    "本人系{A}居民，{R}申请公开{W}。{V}",
    "{W}——请予公开。{V}",
    "{L}申请人请求{O}公开{W}，{R}{V}",
    "{R}现申请公开{W}的全文。",
    "申请人申请获取{W}，{V}",
    "特向{O}提出政府信息公开申请，申请公开{W}。{L}",
    "要求公开{W}。{R}",
    "{L}请{O}在法定期限内公开{W}。{V}",
    "政府信息公开申请：{W}。{R}{V}",
    "一、申请公开的信息：{W}；二、获取方式：{V}",
    "请求提供{W}。{L}{V}",
    "{R}为维护合法权益，申请公开{W}。{L}",
    "本人申请查阅{W}。{V}",
    "{O}好，{R}想依申请获取{W}。{V}",
    "申请事项：公开{W}。事实与理由：{R}{L}",
    "{W}。以上信息请依法公开。",
    "本人曾在{O}网站查询{W}未果，{L}申请公开。{V}",
    "{L}{R}恳请公开{W}，并告知是否存在该信息。",
    "请{O}公开{W}，如该信息不属于{O}公开职责，请告知负责机关。",
]
COLLOQ_PATTERNS = [
    "你好，{W}，能给我看看吗？",
    "{R}{W}，麻烦发我一份。",
    "我想要{W}。{V}",
    "{W}，去了几次都没问到，请公开。",
    "请问{W}在哪里能看到？想申请一份。",
    "{O}你们好，{W}，谢谢。",
    "{R}想了解一下{W}。",
    "我是{A}的老百姓，{W}，希望你们公开。",
    "{W}，我们有权知道吧？{V}",
    "能不能把{W}发给我，{V}",
    "想问问{W}，{R}",
    "{W}。",
    "麻烦公开一下{W}。{V}",
    "{W}，一直没公示，申请看一下。",
]
DOC_SUFFIX = ["，文号{D}", "（{D}）", "，就是{D}那份", "，文号好像是{D}", "（编号{D}）"]
CODE_SUFFIX = ["，地块编号{C}", "（{C}）", "，编号{C}"]
PERIOD_SUFFIX = ["（{P}）", "，时间是{P}", "（{P}作出）", "，{P}的"]
DOCREF_TEXTS = ["申请公开该文件全文。", "请提供上述文件。", "见文号，申请公开。", "申请公开该文件及附件。",
                "请公开此文件。", "申请获取该文件的电子版。", "如题。"]
GENERIC_REASONS = ["因生产生活需要，", "为学习研究，", "出于个人维权需要，", "本人与该事项存在利害关系，",
                   "为了解相关政策落实情况，", "", "", ""]

SEG = re.compile(r"\[\[(.*?)\]\]")
PH = re.compile(r"\{(\w)\}")


def fill(tpl: str, vals: dict[str, str]) -> str:
    def seg(m):
        inner = m.group(1)
        if any(not vals.get(k) for k in PH.findall(inner)):
            return ""
        return inner
    tpl = SEG.sub(seg, tpl)
    return PH.sub(lambda m: vals.get(m.group(1), "") or "", tpl)


def check_templates():
    """Every phrasing must name every identifying facet of its subject (except optional numbers)."""
    for s in SUBJECTS:
        need = set()  # a period left out by a phrasing is appended when it is needed (Item.must)
        if s.place:
            need.add("L")
        if s.entity:
            need.add("E")
        if s.umbrella:
            need.add("U")
        for t in s.formal:
            assert need <= set(PH.findall(t)), (s.key, t)
            if s.doctypes:
                assert "{T}" in t, (s.key, t)
        for t in s.colloq:
            assert need <= set(PH.findall(t)), (s.key, t)
            if s.doctypes:
                assert "{t}" in t or "{T}" in t, (s.key, t)


# ---------------------------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------------------------
@dataclass
class Item:
    id: str
    agency: Agency
    subject: Subject
    facets: dict
    must: set = field(default_factory=set)  # optional facets (D, C) that every request must name
    neg: str | None = None  # the hard-negative class, when this item is a negative of another
    group: str = ""
    n_requests: int = 1

    def key(self):
        f = self.facets
        return (self.agency.key, self.subject.key, f.get("period"), f.get("doc"), f.get("code"), f.get("place"),
                f.get("entity"), f.get("doctype"))


def places_for(agency: Agency, kind: str) -> list[str]:
    c = CITIES[agency.city]
    dists = [agency.district] if agency.district else list(c["districts"])
    if kind == "village":
        return [v for d in dists for v in c["districts"][d]["villages"]]
    if kind == "street":
        if agency.street:
            return [agency.street]
        return [s for d in dists for s in c["districts"][d]["streets"]]
    if kind == "community":
        return [x for d in dists for x in c["districts"][d]["communities"]]
    if kind == "district":
        return dists if agency.district else list(c["districts"]) + [agency.city + "本级"]
    if kind == "bus_line":
        return c["bus_lines"]
    if kind == "school":
        out = []
        for d in dists:
            out += [f"{d}第一小学", f"{d}实验中学", f"{d}中心小学"]
        return out
    raise ValueError(kind)


def entities_for(agency: Agency, kind: str):
    c = CITIES[agency.city]
    if kind == "company":
        return c["companies"]
    if kind == "school_project":
        return [p for p in c["projects"] if "学" in p[0]]
    if kind == "infra_project":
        return [p for p in c["projects"] if "学" not in p[0] and "医院" not in p[0]]
    return c["projects"]


def sample_facets(rng: random.Random, agency: Agency, s: Subject, docnums: dict) -> dict:
    f = {}
    y0, y1 = s.years
    y = rng.randint(y0, y1)
    if s.period == "year":
        f["period"] = ("year", y)
    elif s.period == "quarter":
        q = rng.randint(1, 4)
        if y == 2026:
            q = rng.randint(1, 3)
        f["period"] = ("quarter", y, q)
    elif s.period == "month":
        m = rng.randint(1, 12 if y < 2026 else 9)
        f["period"] = ("month", y, m)
    if s.doc:
        pref = (PROVINCE_ABBR + "政") if s.doc_prov else agency.abbr + s.doc
        n = rng.randint(3, 180)
        while (pref, y, n) in docnums.get(agency.key, set()):
            n = rng.randint(3, 180)
        f["doc"] = (pref, y, n)
    if s.code:
        f["code"] = (s.code, rng.randint(2, 28), 2)
    if s.place:
        f["place"] = rng.choice(places_for(agency, s.place))
    if s.entity:
        f["entity"] = rng.randrange(len(entities_for(agency, s.entity)))
    if s.doctypes:
        f["doctype"] = rng.randrange(len(s.doctypes))
    return f


def mutate(rng: random.Random, item: Item, neg: str) -> dict | None:
    f = dict(item.facets)
    s, a = item.subject, item.agency
    if neg == "neg_same_docno":
        if not (s.doctypes and (s.doc or s.code) and len(s.doctypes) > 1):
            return None
        f["doctype"] = rng.choice([i for i in range(len(s.doctypes)) if i != f["doctype"]])
    elif neg == "neg_neighbour":
        if s.doc:
            p, y, n = f["doc"]
            f["doc"] = (p, y, n + rng.choice([1, -1, 1]))
        elif s.code:
            l, n, w = f["code"]
            f["code"] = (l, n + rng.choice([1, -1, 1]), w)
        else:
            return None
    elif neg == "neg_other_year":
        if not s.period:
            return None
        per = f["period"]
        ny = per[1] + rng.choice([-1, 1])
        if ny < 2020 or ny > s.years[1] + (1 if s.current_year else 0) or ny > 2026:
            ny = per[1] - 1
        if per[0] == "month" and ny == 2026 and per[2] > 9:
            return None
        if per[0] == "quarter" and ny == 2026 and per[2] > 3:
            return None
        f["period"] = (per[0], ny) + tuple(per[2:])
        if s.doc:
            p, _, n = f["doc"]
            f["doc"] = (p, ny, n)
    elif neg == "neg_other_place":
        if s.place:
            opts = [p for p in places_for(a, s.place) if p != f["place"]]
            if not opts:
                return None
            f["place"] = rng.choice(opts)
            if s.doc:
                p, y, _ = f["doc"]
                f["doc"] = (p, y, rng.randint(3, 180))
        elif s.entity:
            opts = [i for i in range(len(entities_for(a, s.entity))) if i != f["entity"]]
            if not opts:
                return None
            f["entity"] = rng.choice(opts)
            if s.doc:
                p, y, _ = f["doc"]
                f["doc"] = (p, y, rng.randint(3, 180))
        else:
            return None
    elif neg == "neg_other_period":
        per = f["period"] if s.period else None
        if not per or per[0] == "year":
            return None
        if per[0] == "quarter":
            q = per[2] + (1 if per[2] < 3 else -1)
            f["period"] = ("quarter", per[1], q)
        else:
            m = per[2] + (1 if per[2] < 9 else -1)
            f["period"] = ("month", per[1], m)
        if s.doc:
            p, y, _ = f["doc"]
            f["doc"] = (p, y, rng.randint(3, 180))
    return f


# ---------------------------------------------------------------------------------------------
# Rendering a request
# ---------------------------------------------------------------------------------------------
def recv_range(item: Item) -> tuple[date, date]:
    s, f = item.subject, item.facets
    if s.period:
        per = f["period"]
        if per[0] == "year":
            y = per[1]
            lo = date(y, 2, 20) if s.current_year else date(y + 1, 1, 10)
            hi = date(y + 1, 10, 31) if s.current_year else date(y + 2, 6, 30)
        else:
            end = period_end(per)
            lo, hi = end + timedelta(days=3), end + timedelta(days=420)
    else:
        y = f["doc"][1]
        lo, hi = date(y, 3, 1), date(y + 1, 12, 31)
    if "doc" in f:
        lo = max(lo, date(f["doc"][1], 2, 1))
    hi = min(hi, LATEST)
    if lo > hi:
        lo = hi - timedelta(days=20)
    return lo, hi


def rand_date(rng, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


@dataclass
class Style:
    register: str = "formal"
    pform: str | None = None
    dform: str | None = None  # None = number not named
    cform: str | None = None
    name: int | None = None  # 0 = full registered name, 1.. = short names
    umb: str | None = None  # whole / parts
    trad: bool = False
    docref_only: bool = False
    p_str: str = ""
    d_str: str = ""
    e_str: str = ""


def render(rng: random.Random, item: Item, st: Style, recv: date) -> tuple[str, str, Style]:
    s, f, a = item.subject, item.facets, item.agency
    vals = {}
    if s.period:
        p = render_period(f["period"], st.pform, recv)
        if p is None:  # relative form does not resolve: fall back to an absolute one
            st.pform = PERIOD_FORMS[f["period"][0]][0]
            p = render_period(f["period"], st.pform, recv)
        vals["P"] = p
        st.p_str = p
    vals["D"] = render_docno(f["doc"], st.dform) if (s.doc and st.dform) else ""
    vals["C"] = render_code(f["code"], st.cform) if (s.code and st.cform) else ""
    st.d_str = vals["D"] or vals["C"]
    if s.place:
        vals["L"] = f["place"]
    if s.entity:
        full, shorts = entities_for(a, s.entity)[f["entity"]]
        vals["E"] = full if st.name == 0 else shorts[st.name - 1]
        st.e_str = vals["E"]
    if s.doctypes:
        vals["T"], vals["t"] = s.doctypes[f["doctype"]]
    if s.umbrella:
        whole, parts = rng.choice(s.umbrella)
        vals["U"] = whole if st.umb == "whole" else parts
    honor = KINDS[a.kind][2]
    vals["O"] = rng.choice(honor + [a.name])
    vals["A"] = a.place_names
    reason_pool = s.reasons + GENERIC_REASONS
    reason = fill(rng.choice(reason_pool), vals)
    document_ref = ""

    if st.docref_only:
        # The applicant filled in the number field and wrote almost nothing else.
        title = vals.get("T") or {"health_penalty": "卫生行政处罚决定书", "labor_penalty": "劳动保障监察行政处理决定书",
                                  "constr_permit": "建筑工程施工许可证", "safety_penalty": "安全生产行政处罚决定书",
                                  "stall_penalty": "行政处罚决定书", "traffic_notice": "限行通告",
                                  "enforce_file": "行政处罚案卷",
                                  "farmland_project": "高标准农田建设项目标段资料"}.get(s.key, "")
        head = vals["D"] or vals["C"]
        document_ref = f"{head}{rng.choice(['', ' ', '　'])}{title}".strip()
        bits = []
        if s.period and ("P" in item.must or rng.random() < 0.5):
            bits.append(vals["P"])
        if s.entity:
            bits.append(vals["E"])
        if s.place:
            bits.append(vals["L"])
        if s.umbrella:
            bits.append(vals["U"])
        text = ("、".join(bits) + "。" if bits else "") + rng.choice(DOCREF_TEXTS)
        return text, document_ref, st

    if st.register == "colloquial":
        what = fill(rng.choice(s.colloq), vals)
        pat = rng.choice(COLLOQ_PATTERNS)
    else:
        what = fill(rng.choice(s.formal), vals)
        pat = rng.choice(FORMAL_PATTERNS)
    # a required number that the chosen phrasing left out is appended
    if s.doc and st.dform and vals["D"] not in what:
        what += fill(rng.choice(DOC_SUFFIX), vals)
    if s.code and st.cform and vals["C"] not in what:
        what += fill(rng.choice(CODE_SUFFIX), vals)
    if s.period and "P" in item.must and vals["P"] not in what:
        what = fill(rng.choice(["{P}", "{P}的", "{P}"]), vals) + what if rng.random() < 0.5 else \
            what + fill(rng.choice(PERIOD_SUFFIX), vals)
    law = rng.choice(LAW) if (st.register == "formal" and rng.random() < 0.6) else ""
    deliv = rng.choice(DELIV) if (rng.random() < 0.55 or "：{V}" in pat) else ""
    if not reason and "：{R}" in pat:
        reason = fill(rng.choice(s.reasons or GENERIC_REASONS[:5]), vals)
    text = fill(pat, {"W": what, "R": reason, "L": law, "V": deliv, "O": vals["O"], "A": vals["A"]})
    text = re.sub(r"。。", "。", text).replace("，。", "。").replace("，，", "，").strip()
    if text.endswith("，"):
        text = text[:-1] + "。"
    # sometimes the number also goes into the form's number field
    if (vals["D"] or vals["C"]) and rng.random() < 0.25:
        document_ref = vals["D"] or vals["C"]
    elif rng.random() < 0.04 and s.doctypes:
        document_ref = vals["T"]
    return text, document_ref, st


def pick_style(rng: random.Random, item: Item, idx: int, n: int, base: Style | None = None,
               stick: float = 0.0) -> Style:
    st = _pick_style(rng, item, idx, n)
    if base is not None:
        # keep the item's first form of a dimension with probability `stick` (1.0: wording only)
        for dim in ("pform", "dform", "cform", "name", "umb"):
            if rng.random() < stick and getattr(base, dim) is not None and getattr(st, dim) is not None:
                setattr(st, dim, getattr(base, dim))
    return st


def _pick_style(rng: random.Random, item: Item, idx: int, n: int) -> Style:
    s = item.subject
    st = Style()
    if idx > 0 and rng.random() < 0.33:
        st.register = "colloquial"
    if n == 1 and rng.random() < 0.2:
        st.register = "colloquial"
    if s.period:
        st.pform = rng.choice(PERIOD_FORMS[s.period])
    need_doc = "D" in item.must
    need_code = "C" in item.must
    if s.doc:
        p = 1.0 if need_doc else (0.75 if st.register == "formal" else 0.35)
        if rng.random() < p:
            st.dform = rng.choice(DOC_FORMS)
    if s.code:
        st.cform = rng.choice(CODE_FORMS)  # codes identify the plot: always named
    if s.entity:
        n_short = len(entities_for(item.agency, s.entity)[item.facets["entity"]][1])
        st.name = 0 if rng.random() < 0.4 else rng.randint(1, n_short)
    if s.umbrella:
        st.umb = rng.choice(["whole", "parts"])
    st.trad = rng.random() < 0.085
    if (st.dform or st.cform) and rng.random() < 0.09:
        st.docref_only = True
        st.register = "formal"
    return st


def tag_classes(item: Item, styles: list[Style]) -> list[list[str]]:
    out = []
    n = len(styles)
    for i, st in enumerate(styles):
        c = []
        others = [o for j, o in enumerate(styles) if j != i]
        if n == 1:
            c.append("singleton")
        else:
            if st.register == "colloquial" and any(o.register == "formal" for o in others):
                c.append("colloquial")
            if st.p_str and any(o.p_str and o.p_str != st.p_str for o in others):
                c.append("date_forms")
            if st.d_str and any(o.d_str and o.d_str != st.d_str for o in others):
                c.append("docno_forms")
            if st.umb and any(o.umb and o.umb != st.umb for o in others):
                c.append("umbrella")
            if st.name and any(o.e_str and o.e_str != st.e_str for o in others):
                c.append("short_name")
        if st.trad:
            c.append("traditional")
        if n > 1 and not [x for x in c if x != "traditional"]:
            c.append("plain")
        if item.neg:
            c.append(item.neg)
        out.append(c)
    return out


NEG_CLASSES = ["neg_same_docno", "neg_neighbour", "neg_other_year", "neg_other_place", "neg_other_period"]
CLASSES = ["colloquial", "date_forms", "docno_forms", "umbrella", "short_name", "traditional", "plain",
           "singleton"] + NEG_CLASSES


def build():
    rng = random.Random(SEED)
    check_templates()
    agencies = build_agencies(rng)
    by_kind: dict[str, list[Agency]] = {}
    for a in agencies:
        by_kind.setdefault(a.kind, []).append(a)
    kinds = list(KINDS)

    items: list[Item] = []
    keys: set = set()
    docnums: dict[str, set] = {}
    codes: dict[str, set] = {}

    def new_item(agency, subject, facets, neg=None, group=""):
        it = Item("", agency, subject, facets, neg=neg, group=group)
        if it.key() in keys:
            return None
        if "doc" in facets:
            d = facets["doc"]
            same = [o for o in items if o.agency.key == agency.key and o.facets.get("doc") == d]
            # a number names one document; only a different document type may share it (neg_same_docno)
            if same and not (neg == "neg_same_docno" and all(o.group == group for o in same)):
                return None
        if "code" in facets:
            c = (facets["code"], facets.get("doctype"))
            if c in codes.get(agency.key, set()) :
                return None
        keys.add(it.key())
        if "doc" in facets:
            docnums.setdefault(agency.key, set()).add(facets["doc"])
        if "code" in facets:
            codes.setdefault(agency.key, set()).add((facets["code"], facets.get("doctype")))
        it.id = f"i{len(items) + 1:04d}"
        it.group = group or it.id
        items.append(it)
        return it

    def random_agency_subject(k):
        kind = kinds[k % len(kinds)]
        agency = rng.choice(by_kind[kind])
        subs = subjects_for(kind)
        own = [s for s in subs if "*" not in s.kinds]
        # mostly the kind's own subjects, sometimes a subject every agency has (budgets, 三公, 两会, hiring)
        s = rng.choice(own) if (own and rng.random() < 0.72) else rng.choice([x for x in subs if "*" in x.kinds])
        return agency, s

    # positives with hard negatives, then positives without, then singletons
    neg_count = {c: 0 for c in NEG_CLASSES}
    k = 0
    N_POS, N_POS_WITH_NEG, N_SINGLE = 152, 140, 222
    pos_items = []
    def supports(s: Subject, neg: str) -> bool:
        return {"neg_same_docno": bool(s.doctypes and len(s.doctypes) > 1 and (s.doc or s.code)),
                "neg_neighbour": bool(s.doc or s.code), "neg_other_year": bool(s.period),
                "neg_other_place": bool(s.place or s.entity),
                "neg_other_period": s.period in ("quarter", "month")}[neg]

    while len(pos_items) < N_POS:
        want = min(NEG_CLASSES, key=lambda c: (neg_count[c], rng.random()))
        for _ in range(60):
            agency, s = random_agency_subject(k)
            k += 1
            if len(pos_items) >= N_POS_WITH_NEG or supports(s, want):
                break
        f = sample_facets(rng, agency, s, docnums)
        it = new_item(agency, s, f)
        if not it:
            continue
        it.n_requests = rng.choices([2, 3, 4, 5, 6, 7, 8], weights=[2, 3, 4, 6, 12, 25, 48])[0]
        pos_items.append(it)
        if len(pos_items) <= N_POS_WITH_NEG:
            n_negs = rng.choices([1, 2], weights=[62, 38])[0]
            order = [want] + sorted([c for c in NEG_CLASSES if c != want], key=lambda c: (neg_count[c], rng.random()))
            made = 0
            for neg in order:
                if made >= n_negs:
                    break
                for _ in range(4):
                    nf = mutate(rng, it, neg)
                    if nf is None:
                        break
                    ni = new_item(agency, s, nf, neg=neg, group=it.id)
                    if ni:
                        ni.n_requests = rng.choices([1, 2, 3], weights=[44, 36, 20])[0]
                        neg_count[neg] += ni.n_requests
                        made += 1
                        break
    singles = 0
    while singles < N_SINGLE:
        agency, s = random_agency_subject(k)
        k += 1
        f = sample_facets(rng, agency, s, docnums)
        it = new_item(agency, s, f)
        if it:
            singles += 1

    # Optional numbers must be named when two items of one agency and subject differ in nothing else.
    idx: dict[tuple, list[Item]] = {}
    for it in items:
        idx.setdefault((it.agency.key, it.subject.key), []).append(it)
    for group in idx.values():
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                diff = {kk for kk in set(x.facets) | set(y.facets) if x.facets.get(kk) != y.facets.get(kk)}
                if diff and diff <= {"doc", "code", "period"}:
                    for z in (x, y):
                        z.must |= {{"doc": "D", "code": "C", "period": "P"}[d] for d in diff}

    # render requests
    records = []
    for it in items:
        lo, hi = recv_range(it)
        styles, texts = [], []
        stick = rng.choices([1.0, 0.75, 0.4], weights=[18, 40, 42])[0]
        base = None
        for i in range(it.n_requests):
            st = pick_style(rng, it, i, it.n_requests, base, stick)
            if stick == 1.0:
                st.trad = False
                if i > 0 and st.docref_only:
                    st.docref_only = False
            base = base or st
            recv = rand_date(rng, lo, hi)
            if st.pform in ("rel", "reldu") and render_period(it.facets["period"], st.pform, recv) is None:
                # move the received date into a window where the relative form resolves, if there is one
                for _ in range(12):
                    recv = rand_date(rng, lo, hi)
                    if render_period(it.facets["period"], st.pform, recv) is not None:
                        break
            text, ref, st = render(rng, it, st, recv)
            # a facet counts for the classes only where the request actually names it
            if st.p_str and st.p_str not in text:
                st.p_str = ""
            if st.d_str and st.d_str not in text and st.d_str not in ref:
                st.d_str = ""
            if st.trad:
                text, ref = to_traditional(text), to_traditional(ref)
            styles.append(st)
            texts.append((text, ref, recv))
        for (text, ref, recv), cls in zip(texts, tag_classes(it, styles)):
            records.append({"agency": it.agency.key, "agency_kind": it.agency.kind, "received_on": recv.isoformat(),
                            "text": text, "document_ref": ref, "item": it.id, "classes": cls, "_group": it.group})
    return agencies, items, records


def assign_splits(records, seed_offset=0):
    """Split by group (a positive item with its hard negatives, or one singleton), greedily
    stratified on class counts; retried with another order until every class has >= 15 requests
    in every split."""
    target = {"train": 0.5, "dev": 0.2, "test": 0.3}
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(r["_group"], []).append(r)
    total = {c: sum(c in r["classes"] for r in records) for c in CLASSES}
    n_items_total = len({r["item"] for r in records})
    # per-split target of each class: its share, but at least 18 requests (dev is small)
    tgt = {sp: {c: max(frac * total[c], 18.0) for c in CLASSES} for sp, frac in target.items()}
    for attempt in range(200):
        rng = random.Random(SEED + 7 + attempt + seed_offset)
        order = list(groups)
        rng.shuffle(order)
        # rare classes first
        order.sort(key=lambda g: -sum(1 / max(total[c], 1) for r in groups[g] for c in r["classes"]))
        have = {sp: {c: 0 for c in CLASSES} for sp in target}
        items_in = {sp: 0 for sp in target}
        assign = {}
        for g in order:
            recs = groups[g]
            n_it = len({r["item"] for r in recs})
            best, best_score = None, None
            for sp, frac in target.items():
                if items_in[sp] + n_it > frac * n_items_total * 1.06 + 2:
                    continue
                score = 0.0
                present = {c for r in recs for c in r["classes"]}
                for c in present:
                    # relative deficit of this split for the class; the rarest classes weigh most
                    score += (tgt[sp][c] - have[sp][c]) / tgt[sp][c] * (100 / max(total[c], 1))
                score += 3.0 * (frac * n_items_total - items_in[sp]) / (frac * n_items_total)
                score += rng.random() * 1e-3
                if best_score is None or score > best_score:
                    best, best_score = sp, score
            if best is None:
                best = min(target, key=lambda sp: items_in[sp] / target[sp])
            assign[g] = best
            items_in[best] += n_it
            for r in recs:
                for c in r["classes"]:
                    have[best][c] += 1
        # repair: move whole groups into a split that lacks a class, from a split that can spare them
        gcls = {g: {c: sum(c in r["classes"] for r in groups[g]) for c in CLASSES} for g in groups}
        for _ in range(300):
            worst = min((have[sp][c], sp, c) for sp in target for c in CLASSES)
            if worst[0] >= 15:
                break
            _, need_sp, need_c = worst
            cands = [g for g in order if assign[g] != need_sp and gcls[g][need_c]
                     and all(have[assign[g]][c] - gcls[g][c] >= 15 for c in CLASSES if gcls[g][c])]
            if not cands:
                break
            g = rng.choice(cands)
            src = assign[g]
            assign[g] = need_sp
            n_it = len({r["item"] for r in groups[g]})
            items_in[src] -= n_it
            items_in[need_sp] += n_it
            for c in CLASSES:
                have[src][c] -= gcls[g][c]
                have[need_sp][c] += gcls[g][c]
        worst = min((have[sp][c], sp, c) for sp in target for c in CLASSES)
        if worst[0] >= 15:
            for r in records:
                r["split"] = assign[r["_group"]]
            return attempt
    raise RuntimeError(f"could not stratify: {worst}")


def main():
    agencies, items, records = build()
    assign_splits(records)
    random.Random(SEED + 1).shuffle(records)
    out = HERE / "requests.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for i, r in enumerate(records, 1):
            rec = {"id": f"r{i:04d}", "agency": r["agency"], "agency_kind": r["agency_kind"],
                   "received_on": r["received_on"], "text": r["text"], "document_ref": r["document_ref"],
                   "item": r["item"], "classes": r["classes"], "split": r["split"]}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{len(records)} requests, {len(items)} items, {len(agencies)} agencies -> {out}")


if __name__ == "__main__":
    main()
