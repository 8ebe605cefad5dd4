"""Sourced figures for chapter 3.1: who processes e-commerce payments in China, and at what
scale. Every row carries the bibliography key of its source (confirmed items only)."""

from __future__ import annotations

import pandas as pd

__all__ = ["MARKET_SHARES", "SCALE", "shares_frame", "scale_frame"]

#: (period, market, provider, share in percent as printed, source key)
MARKET_SHARES: tuple[tuple[str, str, str, str, str], ...] = (
    ("2011 Q1", "internet payment (Analysys)", "Alipay", "45.5", "chinaorg2011"),
    ("2011 Q1", "internet payment (Analysys)", "Tenpay", "20.3", "chinaorg2011"),
    ("2011 Q1", "internet payment (Analysys)", "China UnionPay", "11.7", "chinaorg2011"),
    ("2016 Q3", "third-party mobile payment (Analysys)", "Alipay", "50.42", "nfcworld2017"),
    ("2016 Q3", "third-party mobile payment (Analysys)", "Tenpay", "38.12", "nfcworld2017"),
    ("2020 Q1", "third-party mobile payment (iResearch)", "Alipay", "55.4", "iresearch2020"),
    ("2020 Q1", "third-party mobile payment (iResearch)", "Tenpay (WeChat Pay + QQ Wallet)", "38.8",
     "iresearch2020"),
)

#: (what, figure as printed, source key)
SCALE: tuple[tuple[str, str, str], ...] = (
    ("online-payment users in China, Dec 2023", "954 million", "cnnic2024"),
    ("Alipay annual active users (Ant Group prospectus, 2020)", "more than 1 billion", "ant2020"),
    ("Ant Group China payment volume, 12 months to 30 Jun 2020", "RMB 118 trillion", "ant2020"),
    ("WeChat Pay payment transactions per day, 2018", "more than 1 billion", "tencent2019"),
    ("Double 11 order peak, 2019", "544,000 per second", "xinhua2019"),
)


def shares_frame() -> pd.DataFrame:
    """The market shares as a table (percent as the source prints it)."""
    return pd.DataFrame(list(MARKET_SHARES), columns=["period", "market", "provider", "share (%)", "source"])


def scale_frame() -> pd.DataFrame:
    """Scale figures of the largest platforms as a table."""
    return pd.DataFrame(list(SCALE), columns=["figure", "value", "source"])
