"""Information-processing fees (国办函〔2020〕109号, SPEC §8): pure computation by progressive bands.

One basis per request, never both: per request (按件, the same applicant's requests to one agency
in one calendar month) or per page (按量, the pages of one request).
"""
from __future__ import annotations

from dataclasses import dataclass

BASES = ("requests", "pages")
MAX_COUNT = 100_000  # a sanity bound for input, far above any real request
FREE_REQUESTS = 10  # the first ten requests of an applicant's month are free


@dataclass(frozen=True)
class FeeLine:
    """Units first..last (inclusive) charged at `rate` yuan each."""

    first: int
    last: int
    rate: int

    @property
    def units(self) -> int:
        return self.last - self.first + 1

    @property
    def amount(self) -> int:
        return self.units * self.rate


@dataclass(frozen=True)
class FeeQuote:
    """The amount in yuan for `count` units on `basis`, with its lines band by band."""

    basis: str
    count: int
    amount: int
    lines: tuple[FeeLine, ...]


def request_rate(k: int) -> int:
    """Yuan charged for the k-th request of the month: 1-10 free, 11-30 100, then +100 per band of 10."""
    if k <= FREE_REQUESTS:
        return 0
    if k <= 30:
        return 100
    return 100 * (2 + (k - 31) // 10)


def page_rate(k: int) -> int:
    """Yuan charged for the k-th page: 1-30 free, 31-100 10, 101-200 20, from 201 40."""
    if k <= 30:
        return 0
    if k <= 100:
        return 10
    if k <= 200:
        return 20
    return 40


def _band_end(basis: str, k: int) -> int | None:
    """Last unit of the band that unit k falls in (None: the band never ends)."""
    if basis == "pages":
        for end in (30, 100, 200):
            if k <= end:
                return end
        return None
    if k <= 10:
        return 10
    if k <= 30:
        return 30
    return 31 + ((k - 31) // 10) * 10 + 9


def compute_fee(basis: str, count: int) -> FeeQuote:
    """The fee for `count` requests in a month (basis "requests") or pages of one request ("pages")."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
        raise ValueError(f"count must be an integer between 0 and {MAX_COUNT}")
    rate_of = page_rate if basis == "pages" else request_rate
    lines: list[FeeLine] = []
    k = 1
    while k <= count:
        end = _band_end(basis, k)
        last = count if end is None else min(end, count)
        lines.append(FeeLine(k, last, rate_of(k)))
        k = last + 1
    return FeeQuote(basis, count, sum(line.amount for line in lines), tuple(lines))


def quote_units(basis: str, units) -> FeeQuote:
    """The fee for some units only (e.g. the 11th to 35th requests of a month not charged before),
    each at its own band's rate; consecutive units of one rate make one line."""
    rate_of = page_rate if basis == "pages" else request_rate
    lines: list[FeeLine] = []
    for k in sorted(set(units)):
        last = lines[-1] if lines else None
        if last is not None and last.last == k - 1 and last.rate == rate_of(k):
            lines[-1] = FeeLine(last.first, k, last.rate)
        else:
            lines.append(FeeLine(k, k, rate_of(k)))
    return FeeQuote(basis, len(set(units)), sum(line.amount for line in lines), tuple(lines))


def describe_quote(quote: FeeQuote) -> str:
    """The computation in official Chinese, e.g. “第1至10件免收；第11至30件每件100元，计2000元”."""
    unit = "页" if quote.basis == "pages" else "件"
    parts = []
    for line in quote.lines:
        span = f"第{line.first}{unit}" if line.first == line.last else f"第{line.first}至{line.last}{unit}"
        if line.rate == 0:
            parts.append(f"{span}免收")
        else:
            parts.append(f"{span}每{unit}{line.rate}元，计{line.amount}元")
    return "；".join(parts)
