"""Real, dated cases that chapter 6's models echo: what happened, the figure as its source gives it, the model.

Each record cites a bibliography key; :func:`real_cases` lists them as a table so the chapter shows
the facts next to the illustrative model that echoes each one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from paylab.errors import InvalidInput

__all__ = ["RealCase", "REAL_CASES", "real_cases", "case"]


@dataclass(frozen=True)
class RealCase:
    """One real incident: when, who, what happened, the figure as reported, its source and the echoing model."""

    key: str
    date: str
    company: str
    what: str
    figure: str
    source: str
    model: str


REAL_CASES: tuple[RealCase, ...] = (
    RealCase("yuebao", "2013-06 to 2018-06", "Yu'e Bao (Tianhong / Ant)",
             "money-market wallet grows; regulators cap same-day (T+0) redemption",
             "RMB 100 billion by 14 Nov 2013; T+0 redemption capped at 10,000 yuan a day per fund from June 2018",
             "chinadaily2013; caixin2018mmf", "wallet_yield.redeem"),
    RealCase("ebay_paypal", "2015-07 and 2018", "eBay and PayPal",
             "PayPal separates from eBay; eBay announces it will manage marketplace payments itself",
             "PayPal 2014 volume about USD 235 billion in about 4.0 billion transactions",
             "wallst2015; ebay2018", "disputes.compare_policies"),
    RealCase("wirecard", "2020-06", "Wirecard AG",
             "auditor refuses to sign the 2019 accounts; cash said to be held in trust is missing; insolvency",
             "EUR 1.9 billion that probably never existed; insolvency filed 25 Jun 2020",
             "seekingalpha2020wirecard; standard2020wirecard", "failures.growth_without_risk_control"),
    RealCase("british_airways", "2018-06 to 2020-10", "British Airways",
             "card data skimmed from the website for over two months; the ICO fines the airline",
             "429,612 customers and staff affected; fine GBP 20 million (notice of intent GBP 183.39 million)",
             "bbc2020ba; cityam2020ba", "failures.breach_replay"),
    RealCase("visa_outage", "2018-06-01", "Visa Europe",
             "a switch in one data centre fails; card payments across Europe fail for about ten hours",
             "5.2 million of 51.2 million transactions failed to process (UK: 2.4 million of 27.6 million)",
             "fintechfutures2018visa", "failures.experience_loss"),
    RealCase("gopay_umf", "2018-08", "Gopay and Union Mobile Financial Technology (UMF)",
             "the People's Bank of China fines two payment institutions for serving illegal transactions",
             "Gopay CNY 46,462,102.94 and UMF CNY 26,398,899.28 (fines plus confiscated proceeds)",
             "cbn2018gopay", "failures.compliance_cost"),
    RealCase("ant_ipo", "2020-11 to 2023-07", "Ant Group",
             "IPO suspended two days before listing; rectification ordered; fine in 2023",
             "IPO of about USD 37 billion suspended 3 Nov 2020; fine CNY 7.123 billion on 7 Jul 2023",
             "ecns2020ant; scmp2020ant; fintechfutures2023ant", "credit.instalment_apr"),
    RealCase("apr_rule", "2021-03-31", "All lenders, internet platforms included",
             "PBoC Announcement No. 3 [2021]: every loan product shows its annualised rate",
             "annualised rate with all directly related fees, more prominent than any daily or monthly rate",
             "cbn2021apr", "credit.instalment_apr"),
)


def real_cases() -> pd.DataFrame:
    """The real cases as a table (date, company, what happened, figure, source, model)."""
    rows = [{"date": c.date, "company": c.company, "what happened": c.what, "figure as reported": c.figure,
             "source": c.source, "paylab model": c.model} for c in REAL_CASES]
    return pd.DataFrame(rows)


def case(key: str) -> RealCase:
    """The record for one case by its key (``"wirecard"``, ``"british_airways"`` …)."""
    for c in REAL_CASES:
        if c.key == key:
            return c
    raise InvalidInput("key", f"one of {', '.join(c.key for c in REAL_CASES)}", f"no real case {key!r}")
