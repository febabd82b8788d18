"""The progressive fee bands of 国办函〔2020〕109号 (SPEC §8), as a pure function."""
from __future__ import annotations

import pytest

from caseapp.fees.rules import compute_fee, describe_quote, page_rate, request_rate


@pytest.mark.parametrize("count,amount", [
    (0, 0), (1, 0), (10, 0),            # 1-10 free
    (11, 100), (30, 2000),              # 11-30: 100 each
    (31, 2200), (35, 3000), (40, 4000),  # 31-40: 200 each (SPEC: 35 requests = 3,000 yuan)
    (41, 4300), (50, 7000),             # 41-50: 300 each
    (51, 7400), (60, 11000),            # 51-60: 400 each
])
def test_per_request_bands(count, amount):
    assert compute_fee("requests", count).amount == amount


@pytest.mark.parametrize("count,amount", [
    (0, 0), (30, 0),                    # 1-30 free
    (31, 10), (100, 700),               # 31-100: 10 a page
    (101, 720), (150, 1700), (200, 2700),  # 101-200: 20 (SPEC: 150 pages = 1,700 yuan)
    (201, 2740), (250, 4700),           # from 201: 40
])
def test_per_page_bands(count, amount):
    assert compute_fee("pages", count).amount == amount


@pytest.mark.parametrize("k,rate", [(10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (71, 600)])
def test_request_rate_of_the_kth_request(k, rate):
    assert request_rate(k) == rate


@pytest.mark.parametrize("k,rate", [(30, 0), (31, 10), (100, 10), (101, 20), (200, 20), (201, 40), (5000, 40)])
def test_page_rate_of_the_kth_page(k, rate):
    assert page_rate(k) == rate


def test_lines_add_up_and_are_described_in_chinese():
    quote = compute_fee("requests", 35)
    assert [(line.first, line.last, line.rate) for line in quote.lines] == [(1, 10, 0), (11, 30, 100), (31, 35, 200)]
    assert sum(line.amount for line in quote.lines) == quote.amount
    assert describe_quote(quote) == "第1至10件免收；第11至30件每件100元，计2000元；第31至35件每件200元，计1000元"
    assert describe_quote(compute_fee("pages", 31)) == "第1至30页免收；第31页每页10元，计10元"


@pytest.mark.parametrize("basis,count", [("both", 5), ("pages", -1), ("requests", 1.5), ("pages", True),
                                         ("pages", "12"), ("requests", 10**9)])
def test_bad_input_is_refused(basis, count):
    with pytest.raises(ValueError):
        compute_fee(basis, count)
