"""Sourced figures and dates the book prints as fact, each with its bibliography key.

Only items confirmed in a public source are here; the key points into
``references.bib`` so every table and plot built from this module can cite it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["Milestone", "MILESTONES", "ERAS", "UserCount", "ONLINE_PAYMENT_USERS", "milestones_frame",
           "users_frame"]


@dataclass(frozen=True)
class Milestone:
    """One dated event of e-payment history; ``date`` is ISO (year-month[-day])."""

    date: str
    event: str
    event_zh: str
    era: str
    source: str

    @property
    def year(self) -> float:
        """Decimal year for plotting (mid-month when no day is known)."""
        parts = [int(p) for p in self.date.split("-")]
        year, month = parts[0], parts[1] if len(parts) > 1 else 6
        day = parts[2] if len(parts) > 2 else 15
        return year + (month - 1) / 12 + (day - 1) / 365


#: The four stages of section 2.1, in order.
ERAS = ("bank cards online", "third-party platforms", "mobile payment", "data, cloud and ledgers")

MILESTONES: tuple[Milestone, ...] = (
    Milestone("1999-09", "China Merchants Bank offers full online banking (All-in-one Net)",
              "招商银行“一网通”全面开通网上银行", ERAS[0], "people2001cmb"),
    Milestone("2002", "eBay buys PayPal", "eBay 收购 PayPal", ERAS[1], "wallst2015"),
    Milestone("2003-10-15", "Alipay starts as an escrow service inside Taobao",
              "支付宝作为淘宝担保交易工具上线", ERAS[1], "zhwiki_alipay"),
    Milestone("2004-12-08", "Alipay operates as an independent company", "支付宝独立运营", ERAS[1],
              "zhwiki_alipay"),
    Milestone("2007", "Amazon lets other sites take payment with Amazon accounts (later Amazon Pay)",
              "亚马逊推出对外支付服务（后称 Amazon Pay）", ERAS[1], "amazonpay_wiki"),
    Milestone("2010-09-01", "PBoC rules for non-financial payment institutions take effect (licences)",
              "《非金融机构支付服务管理办法》施行", ERAS[1], "pboc2010order2"),
    Milestone("2011-05-26", "First 27 payment business licences granted", "首批 27 张支付业务许可证发放",
              ERAS[1], "chinaorg2011"),
    Milestone("2013-06", "Yu'e Bao money-market wallet launches", "余额宝上线", ERAS[2], "chinadaily2013"),
    Milestone("2013-08-05", "WeChat Pay launches", "微信支付上线", ERAS[2], "wechatpay_wiki"),
    Milestone("2014-02-13", "JD Baitiao consumer credit opens to beta users", "京东白条开放公测", ERAS[2],
              "technode2014"),
    Milestone("2015-04", "Huabei credit line officially launches", "花呗正式上线", ERAS[2], "technode2015"),
    Milestone("2017-03-31", "NetsUnion clearing platform begins trial operation", "网联平台试运行", ERAS[2],
              "caixin2017"),
    Milestone("2017-12-11", "UnionPay and banks launch the Cloud QuickPass app", "银联“云闪付”App 发布",
              ERAS[2], "cbn2017"),
    Milestone("2019-01-01", "PRC E-Commerce Law takes effect", "《电子商务法》施行", ERAS[3], "ecommercelaw2018"),
    Milestone("2019-09-14", "EU strong customer authentication rules apply (PSD2 RTS)", "欧盟强客户认证规则适用",
              ERAS[3], "eu2018rts"),
    Milestone("2019-12", "e-CNY (digital yuan) pilots begin", "数字人民币试点启动", ERAS[3], "pboc2021ecny"),
    Milestone("2020-09-29", "Amazon One palm payment goes live", "Amazon One 掌纹支付上线", ERAS[3],
              "amazonone2020"),
    Milestone("2024-05-01", "State Council regulations on non-bank payment institutions take effect",
              "《非银行支付机构监督管理条例》施行", ERAS[3], "statecouncil2023"),
)


@dataclass(frozen=True)
class UserCount:
    """Online-payment users in China at a date, in millions, with the CNNIC report and its key.

    ``share_of_internet_users`` is kept only where a source was seen that prints it; ``None``
    means no such source was found, and no table prints a placeholder for it.
    """

    date: str
    millions: int
    share_of_internet_users: str | None
    source: str
    report: str = ""


ONLINE_PAYMENT_USERS: tuple[UserCount, ...] = (
    UserCount("2015-12", 416, "60.5%", "cnnic2016", "37th"),
    UserCount("2017-12", 531, "68.8%", "cnnic2018", "41st"),
    UserCount("2020-03", 768, "85.0%", "cnnic2020", "45th"),
    UserCount("2020-06", 805, "85.7%", "xinhua2020cnnic", "46th"),
    UserCount("2021-06", 872, "86.3%", "cnnic2021", "48th"),
    UserCount("2023-12", 954, None, "cnnic2024", "53rd"),
)


def milestones_frame() -> pd.DataFrame:
    """The milestones as a table, oldest first."""
    return pd.DataFrame([{"date": m.date, "event": m.event, "事件": m.event_zh, "stage": m.era,
                          "source": m.source} for m in MILESTONES])


def users_frame(*, with_share: bool = False) -> pd.DataFrame:
    """CNNIC online-payment user counts as a table, one row per report, with its bibliography key.

    ``with_share=True`` adds the share of internet users and keeps only the rows whose share a
    source prints, so that no cell says "not confirmed".
    """
    rows = [u for u in ONLINE_PAYMENT_USERS if u.share_of_internet_users or not with_share]
    frame = pd.DataFrame([{"date": u.date, "CNNIC report": u.report,
                           "online-payment users (millions)": u.millions,
                           "share of internet users": u.share_of_internet_users, "source": u.source}
                          for u in rows])
    return frame if with_share else frame.drop(columns="share of internet users")
