"""Build the labelled set of requests for the similarity tests (requests.json beside this file).

Each information item is written down once with its official title, document number, year and
the plain words citizens use for it; each request for it is phrased by one of several styles
(a lawyer citing the number, a citizen in plain words, a short title, a purpose first, ...).
Hard negatives are items that share most words with another one: the same topic in another year,
the same company with another penalty decision, the same project with another approval, the same
year in another district. Singletons are requests for information nobody else asked about.

Run `python tests/disclosure/data/build_requests.py` to regenerate; the output is deterministic.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

CN_DIGITS = "〇一二三四五六七八九"

# agency code -> (agency name, items). An item: key, title, docno (or None), year, shorts (plain
# words), asked (how many requests), place (optional).
ITEMS = {
    "SFJY": ("示范市教育局", [
        dict(key="JY01", title="示范市教育局关于做好2025年义务教育阶段学校招生入学工作的通知", docno=("示教发", 2025, 12),
             year=2025, shorts=["义务教育阶段学校招生入学工作的通知", "小学和初中招生入学的政策文件", "孩子上小学划片入学的规定",
                                "中小学招生入学实施办法"], asked=7),
        dict(key="JY02", title="示范市教育局关于做好2024年义务教育阶段学校招生入学工作的通知", docno=("示教发", 2024, 9),
             year=2024, shorts=["义务教育阶段学校招生入学工作的通知", "小学和初中招生入学的政策文件", "中小学招生入学实施办法"], asked=3),
        dict(key="JY03", title="示范市2025年高中阶段学校招生考试工作方案", docno=("示教发", 2025, 21), year=2025,
             shorts=["中考招生方案", "高中阶段学校招生考试方案", "中考录取政策和分数线划定办法"], asked=5),
        dict(key="JY04", title="示范市2024年教育经费执行情况统计公告", docno=None, year=2024,
             shorts=["教育经费执行情况统计公告", "全市教育经费投入和使用情况", "教育经费统计数据"], asked=4),
        dict(key="JY05", title="示范市2023年教育经费执行情况统计公告", docno=None, year=2023,
             shorts=["教育经费执行情况统计公告", "全市教育经费投入和使用情况"], asked=2),
        dict(key="JY06", title="关于示范市第一中学新校区建设项目可行性研究报告的批复", docno=("示教计", 2025, 5), year=2025,
             shorts=["第一中学新校区建设项目可研批复", "一中新校区项目的可行性研究报告批复", "市一中新校区建设项目立项批复"],
             asked=4),
        dict(key="JY07", title="关于示范市第一中学新校区建设项目竣工验收的意见", docno=("示教计", 2025, 31), year=2025,
             shorts=["第一中学新校区建设项目竣工验收意见", "一中新校区项目竣工验收材料"], asked=2),
        dict(key="JY08", title="示范市2025年民办学校年度检查结果", docno=None, year=2025,
             shorts=["民办学校年检结果", "民办学校年度检查结论名单", "民办学校年检合格和不合格名单"], asked=5),
        dict(key="JY09", title="滨江区2025年公办小学学区划分方案", docno=("滨教", 2025, 7), year=2025, place="滨江区",
             shorts=["滨江区小学学区划分方案", "滨江区公办小学施教区范围", "滨江区小学划片范围"], asked=8),
        dict(key="JY10", title="临湖区2025年公办小学学区划分方案", docno=("临教", 2025, 4), year=2025, place="临湖区",
             shorts=["临湖区小学学区划分方案", "临湖区公办小学施教区范围"], asked=3),
        dict(key="JY11", title="示范市2025年公开招聘中小学教师简章", docno=("示教人", 2025, 3), year=2025,
             shorts=["中小学教师招聘简章", "教师公开招聘公告和岗位表"], asked=3),
        dict(key="JY12", title="示范市教育局2025年部门预算", docno=None, year=2025,
             shorts=["教育局部门预算", "教育局部门预算公开表格"], asked=3),
        dict(key="JY13", title="示范市教育局2024年部门决算", docno=None, year=2024,
             shorts=["教育局部门决算", "教育局部门决算公开表格"], asked=2),
    ]),
    "SFZJ": ("示范市住房和城乡建设局", [
        dict(key="ZJ01", title="滨江花园二期项目建筑工程施工许可证", docno=("示建施", 2025, 118), year=2025,
             shorts=["滨江花园二期项目施工许可证", "滨江花园二期工程的施工许可"], asked=4),
        dict(key="ZJ02", title="滨江花园二期项目竣工验收备案表", docno=("示建备", 2025, 64), year=2025,
             shorts=["滨江花园二期项目竣工验收备案表", "滨江花园二期竣工验收备案材料"], asked=3),
        dict(key="ZJ03", title="示范市2025年城镇老旧小区改造计划", docno=("示建发", 2025, 8), year=2025,
             shorts=["老旧小区改造计划", "今年纳入改造的老旧小区名单", "城镇老旧小区改造项目清单"], asked=7),
        dict(key="ZJ04", title="示范市2024年城镇老旧小区改造计划", docno=("示建发", 2024, 11), year=2024,
             shorts=["老旧小区改造计划", "城镇老旧小区改造项目清单"], asked=3),
        dict(key="ZJ05", title="翠湖名苑3号楼商品房预售许可证", docno=("示房预售", 2025, 45), year=2025,
             shorts=["翠湖名苑3号楼预售许可证", "翠湖名苑3号楼的商品房预售许可"], asked=4),
        dict(key="ZJ06", title="翠湖名苑5号楼商品房预售许可证", docno=("示房预售", 2025, 52), year=2025,
             shorts=["翠湖名苑5号楼预售许可证", "翠湖名苑5号楼的商品房预售许可"], asked=2),
        dict(key="ZJ07", title="示范市住宅物业服务收费管理办法", docno=("示建规", 2023, 2), year=2023,
             shorts=["住宅物业服务收费管理办法", "物业费收费标准的规定", "小区物业费怎么定价的文件"], asked=5),
        dict(key="ZJ08", title="对宏远建设集团有限公司的行政处罚决定书", docno=("示建罚", 2025, 17), year=2025,
             shorts=["宏远建设集团有限公司行政处罚决定书", "宏远建设集团被处罚的决定书"], asked=4),
        dict(key="ZJ09", title="对宏远建设集团有限公司的行政处罚决定书", docno=("示建罚", 2025, 26), year=2025,
             shorts=["宏远建设集团有限公司行政处罚决定书", "宏远建设集团被处罚的决定书"], asked=2),
        dict(key="ZJ10", title="东门片区旧城改造项目国有土地上房屋征收补偿方案", docno=("示征", 2025, 2), year=2025,
             place="东门片区", shorts=["东门片区房屋征收补偿方案", "东门片区旧改拆迁补偿标准"], asked=6),
        dict(key="ZJ11", title="西门片区旧城改造项目国有土地上房屋征收补偿方案", docno=("示征", 2025, 5), year=2025,
             place="西门片区", shorts=["西门片区房屋征收补偿方案", "西门片区旧改拆迁补偿标准"], asked=2),
        dict(key="ZJ12", title="示范市2025年第三季度建筑工地扬尘治理检查情况通报", docno=None, year=2025, quarter=3,
             shorts=["建筑工地扬尘治理检查通报", "工地扬尘检查情况的通报"], asked=3),
        dict(key="ZJ13", title="示范市2025年第二季度建筑工地扬尘治理检查情况通报", docno=None, year=2025, quarter=2,
             shorts=["建筑工地扬尘治理检查通报", "工地扬尘检查情况的通报"], asked=2),
    ]),
    "SFHB": ("示范市生态环境局", [
        dict(key="HB01", title="对示范市恒达化工有限公司的行政处罚决定书", docno=("示环罚", 2025, 15), year=2025,
             shorts=["恒达化工有限公司废水超标排放行政处罚决定书", "恒达化工被罚款的处罚决定", "恒达化工公司的环保处罚决定书"],
             asked=6),
        dict(key="HB02", title="对示范市恒达化工有限公司的行政处罚决定书", docno=("示环罚", 2024, 31), year=2024,
             shorts=["恒达化工有限公司行政处罚决定书", "恒达化工被罚款的处罚决定"], asked=2),
        dict(key="HB03", title="关于示范市生活垃圾焚烧发电厂项目环境影响报告书的批复", docno=("示环审", 2025, 7), year=2025,
             shorts=["垃圾焚烧发电厂项目环评批复", "垃圾焚烧厂环境影响报告书及批复", "垃圾焚烧发电项目的环评审批意见"],
             asked=8),
        dict(key="HB04", title="示范市生活垃圾焚烧发电厂项目竣工环境保护验收意见", docno=None, year=2025,
             shorts=["垃圾焚烧发电厂项目竣工环保验收意见", "垃圾焚烧厂竣工环境保护验收报告"], asked=3),
        dict(key="HB05", title="2024年示范市生态环境状况公报", docno=None, year=2024,
             shorts=["生态环境状况公报", "全市环境质量状况公报"], asked=4),
        dict(key="HB06", title="2023年示范市生态环境状况公报", docno=None, year=2023,
             shorts=["生态环境状况公报", "全市环境质量状况公报"], asked=2),
        dict(key="HB07", title="关于地铁5号线工程环境影响报告书的批复", docno=("示环审", 2024, 22), year=2024,
             shorts=["地铁5号线环评批复", "地铁5号线工程环境影响评价审批文件"], asked=5),
        dict(key="HB08", title="关于地铁6号线工程环境影响报告书的批复", docno=("示环审", 2025, 3), year=2025,
             shorts=["地铁6号线环评批复", "地铁6号线工程环境影响评价审批文件"], asked=2),
        dict(key="HB09", title="示范市2025年10月环境空气质量月报", docno=None, year=2025, month=10,
             shorts=["空气质量月报", "PM2.5等空气质量监测数据"], asked=3),
        dict(key="HB10", title="示范市2025年9月环境空气质量月报", docno=None, year=2025, month=9,
             shorts=["空气质量月报", "PM2.5等空气质量监测数据"], asked=2),
        dict(key="HB11", title="示范市2025年重点排污单位名录", docno=None, year=2025,
             shorts=["重点排污单位名录", "重点排污企业名单"], asked=4),
        dict(key="HB12", title="原示范农药厂地块土壤污染状况调查报告", docno=None, year=2025,
             shorts=["农药厂地块土壤污染调查报告", "老农药厂旧址土壤污染情况"], asked=3),
    ]),
    "SFSJ": ("示范市市场监督管理局", [
        dict(key="SJ01", title="对示范市鑫隆食品有限公司的行政处罚决定书", docno=("示市监罚", 2025, 88), year=2025,
             shorts=["鑫隆食品有限公司销售过期食品的行政处罚决定书", "鑫隆食品被处罚的决定书"], asked=5),
        dict(key="SJ02", title="对示范市鑫隆食品有限公司的行政处罚决定书", docno=("示市监罚", 2025, 102), year=2025,
             shorts=["鑫隆食品有限公司行政处罚决定书", "鑫隆食品被处罚的决定书"], asked=2),
        dict(key="SJ03", title="示范市2025年第三季度食品安全监督抽检信息公告", docno=None, year=2025, quarter=3,
             shorts=["食品安全监督抽检结果", "食品抽检不合格产品信息"], asked=5),
        dict(key="SJ04", title="示范市2025年第二季度食品安全监督抽检信息公告", docno=None, year=2025, quarter=2,
             shorts=["食品安全监督抽检结果", "食品抽检不合格产品信息"], asked=3),
        dict(key="SJ05", title="示范市2025年度双随机一公开抽查工作计划", docno=("示市监发", 2025, 4), year=2025,
             shorts=["双随机一公开抽查计划", "随机抽查事项清单和工作计划"], asked=4),
        dict(key="SJ06", title="示范市2024年消费者投诉举报数据分析报告", docno=None, year=2024,
             shorts=["消费者投诉举报数据分析", "消费投诉统计数据"], asked=4),
        dict(key="SJ07", title="示范市2023年消费者投诉举报数据分析报告", docno=None, year=2023,
             shorts=["消费者投诉举报数据分析", "消费投诉统计数据"], asked=2),
        dict(key="SJ08", title="示范市2025年电梯维护保养单位监督检查结果", docno=None, year=2025,
             shorts=["电梯维保单位检查结果", "电梯维护保养单位考核结果"], asked=5),
        dict(key="SJ09", title="城南农贸市场计量器具专项检查结果", docno=None, year=2025, place="城南农贸市场",
             shorts=["城南农贸市场电子秤计量检查结果", "城南菜市场缺斤短两检查情况"], asked=4),
        dict(key="SJ10", title="康泰大药房药品经营许可证", docno=("示药经", 2024, 316), year=2024,
             shorts=["康泰大药房的药品经营许可证", "康泰大药房药品经营许可信息"], asked=3),
        dict(key="SJ11", title="示范市2025年特种设备安全状况白皮书", docno=None, year=2025,
             shorts=["特种设备安全状况白皮书", "锅炉电梯等特种设备安全状况报告"], asked=3),
    ]),
}

SINGLETONS = {
    "SFJY": ["申请公开示范市实验小学2025年食堂承包合同。", "申请公开示范市2025年中小学体育场地对外开放学校名单。",
             "请提供2025年全市中小学近视率抽查结果。", "申请公开示范市特殊教育学校2024年招生人数。",
             "申请公开2025年示范市第二中学校长任免文件。", "请公开2025年全市幼儿园收费备案情况。",
             "申请公开示范市2024年学生资助资金发放汇总表。", "申请公开示范市课后服务收费标准的批复文件。",
             "我想了解2025年全市新建幼儿园的选址规划。", "申请公开示范市2025年中小学校园安全隐患排查情况通报。",
             "申请公开示范市职业教育改革实施方案（示政办发〔2024〕18号）。", "申请公开示范市2025年高考报名人数统计。"],
    "SFZJ": ["申请公开示范市2025年建筑市场信用评价结果。", "申请公开阳光城小区电梯加装补贴的审批材料。",
             "请提供示范市2025年商品住房成交均价统计数据。", "申请公开示范市2024年保障性租赁住房筹集计划。",
             "申请公开滨江大道综合管廊工程招标文件。", "请公开2025年全市房地产中介机构备案名单。",
             "申请公开示范市住宅专项维修资金2024年度使用情况。", "申请公开示范市既有建筑节能改造补助办法。",
             "申请公开紫荆苑小区规划设计条件通知书。", "请提供示范市2025年燃气管道老化更新改造项目清单。",
             "申请公开示范市城市更新专项规划（2021-2035年）。", "申请公开示范市2025年建筑垃圾消纳场所设置方案。"],
    "SFHB": ["申请公开示范市2025年饮用水水源地水质监测数据。", "申请公开蓝天化纤有限公司排污许可证副本。",
             "请公开示范市2025年突发环境事件应急预案。", "申请公开长江路滨江断面2025年水质监测月报。",
             "申请公开示范市2024年温室气体排放清单。", "申请公开示范市2025年机动车尾气检测机构名单。",
             "请提供2025年全市噪声污染投诉处理情况统计。", "申请公开示范市2024年危险废物经营许可证发放情况。",
             "申请公开示范市入河排污口排查整治方案。", "申请公开示范市2025年秋冬季大气污染综合治理攻坚方案。",
             "申请公开华源热电厂在线监测数据（2025年11月）。", "申请公开示范市2025年生态环境损害赔偿案件办理情况。"],
    "SFSJ": ["申请公开示范市2025年计量器具强制检定目录。", "申请公开示范市2025年儿童玩具产品质量监督抽查结果。",
             "请提供示范市2025年网络交易监测发现的违法线索处理情况。", "申请公开示范市2024年度企业年报公示抽查结果。",
             "申请公开示范市2025年价格监督检查工作方案。", "申请公开示范市加油站计量作弊专项整治情况通报。",
             "申请公开示范市2025年知识产权质押融资统计。", "申请公开示范市2025年化妆品抽检结果。",
             "请公开示范市2025年广告违法典型案例。", "申请公开示范市校园周边食品安全专项检查情况。",
             "申请公开示范市2024年度标准化资助项目名单。", "申请公开示范市2025年认证检测机构监督检查结果。"],
}

PURPOSES = ["了解政策", "维护自身合法权益", "学术研究需要", "孩子入学需要", "房屋买卖参考", "撰写调研报告", "向有关部门反映情况"]
PLACES = ["滨江区", "临湖区", "城南街道", "新港镇", "东湖路社区"]


def cn_year(year: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(year))


def docno_text(docno, rng: random.Random) -> str:
    prefix, year, seq = docno
    style = rng.randrange(5)
    if style == 0:
        return f"{prefix}〔{year}〕{seq}号"
    if style == 1:
        return f"{prefix}[{year}]{seq}号"
    if style == 2:
        return f"{prefix}（{year}）{seq}号"
    if style == 3:
        return f"{prefix}〔{year}〕第{seq}号"
    return f"{year}年{prefix}第{seq}号" if rng.random() < 0.3 else f"{prefix}〔{year}〕{seq}号"


def when(item, rng: random.Random) -> str:
    """How a citizen says the period: the year, sometimes with the quarter or month, sometimes in Chinese numerals."""
    year = item["year"]
    text = f"{cn_year(year)}年" if rng.random() < 0.1 else f"{year}年"
    if item.get("quarter"):
        text += f"第{'一二三四'[item['quarter'] - 1]}季度"
    if item.get("month"):
        text += f"{item['month']}月"
    return text


def phrase(agency_name: str, item: dict, rng: random.Random) -> str:
    """One request for the item, in one of the styles applicants write in."""
    title, short, docno = item["title"], rng.choice(item["shorts"]), item.get("docno")
    w = when(item, rng)
    styles = ["lawyer", "title", "plain", "plain2", "purpose", "casual", "detail"]
    if docno:
        styles += ["number", "number2"]
    style = rng.choice(styles)
    if style == "lawyer":
        ref = f"（{docno_text(docno, rng)}）" if docno else ""
        return f"根据《中华人民共和国政府信息公开条例》第二十七条之规定，申请人申请公开{agency_name}制作或保存的《{title}》{ref}全文及附件。"
    if style == "title":
        return f"申请公开《{title}》。"
    if style == "number":
        return f"请提供{docno_text(docno, rng)}文件的全文，即{short}。"
    if style == "number2":
        return f"申请公开贵局{docno_text(docno, rng)}文件（{title}）。"
    if style == "plain":
        return f"我想了解{w}{short}，请提供相关文件。"
    if style == "plain2":
        return f"请公开{w}{short}的正式文本，以电子邮件方式提供。"
    if style == "purpose":
        place = item.get("place") or rng.choice(PLACES)
        return f"本人系{place}居民，因{rng.choice(PURPOSES)}，申请获取{w}{short}。"
    if style == "casual":
        return f"麻烦把{w}关于{short}的那份文件发我一份，谢谢。"
    return f"申请公开贵单位{w}作出或发布的{short}相关政府信息，包括正式文件及其附件。"


def build() -> list[dict]:
    """The labelled requests: id, agency, item, text."""
    rng = random.Random(2026)
    out = []
    seen = set()  # the same words for two items would be a request nobody could tell apart
    for code, (name, items) in ITEMS.items():
        for item in items:
            # The numbers above are the requests the item received in a year; the set adds two more
            # (at most 8) to have enough pairs of different wording.
            asked = min(8, item["asked"] + 2)
            while len([r for r in out if r["item"] == item["key"]]) < asked:
                text = phrase(name, item, rng)
                if text in seen:
                    continue
                seen.add(text)
                out.append({"agency": code, "item": item["key"], "text": text})
        for i, text in enumerate(SINGLETONS[code], 1):
            out.append({"agency": code, "item": f"{code}-S{i:02d}", "text": text})
    rng.shuffle(out)
    for i, row in enumerate(out, 1):
        row["id"] = i
    return out


if __name__ == "__main__":
    rows = build()
    path = Path(__file__).with_name("requests.json")
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    items = {r["item"] for r in rows}
    print(f"{len(rows)} requests, {len(items)} items, {len({r['agency'] for r in rows})} agencies -> {path}")
