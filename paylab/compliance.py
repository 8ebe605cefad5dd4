"""Compliance map: what PRC payment-related law and rules ask for, and which controls answer them.

Each requirement is a short summary in our own words, tied to a law or rule by name, its date and
the bibliography key of the source we used. Article numbers are given only where that source gives
them (E-Commerce Law arts. 53-57); every other line summarises the rule as a whole and is marked
*simplified*. Every control names the ``paylab`` function that shows it, or the management process
it stands for. The rules of the People's Bank of China on barcode payments, reserve funds and
clearing each get a small function here (:func:`barcode_grade`, :func:`reserve_shortfall`,
:func:`connection_count`) so that the chapter can run them. This is a teaching map, not legal
advice: read the laws themselves before relying on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from paylab.errors import InvalidInput
from paylab.money import Money

__all__ = ["BARCODE_LIMITS", "Control", "CONTROLS", "LAWS", "Law", "MAX_PARTIES", "Requirement", "REQUIREMENTS",
           "barcode_allows", "barcode_grade", "barcode_limits_table", "compliance_map", "connection_count",
           "controls_table", "coverage", "gaps", "laws_table", "reserve_shortfall"]


@dataclass(frozen=True)
class Control:
    """A technical or management measure and where the book shows it (a paylab function, or a process)."""

    name: str
    kind: str
    where: str


CONTROLS: dict[str, Control] = {c.name: c for c in (
    Control("TLS-like handshake", "technical", "paylab.crypto.run_handshake"),
    Control("AES-GCM record protection", "technical", "paylab.crypto.aes_gcm_encrypt"),
    Control("certificate checks", "technical", "paylab.crypto.verify_chain"),
    Control("digital signatures", "technical", "paylab.crypto.sign / verify"),
    Control("scrypt password hashing", "technical", "paylab.auth.hash_password"),
    Control("one-time codes (TOTP/SMS)", "technical", "paylab.auth.totp, paylab.auth.SmsCodeService"),
    Control("biometric confirmation", "technical", "paylab.auth.threshold_for_far"),
    Control("step-up authentication", "technical", "paylab.auth.StepUpPolicy"),
    Control("firewall segmentation", "technical", "paylab.netsec.Firewall"),
    Control("intrusion detection", "technical", "paylab.netsec.IDS"),
    Control("barcode limits by risk grade", "technical", "paylab.compliance.barcode_grade, barcode_allows"),
    Control("annualised-rate disclosure", "technical", "paylab.cases.credit.instalment_apr (chapter 6)"),
    Control("central clearing", "technical", "paylab.compliance.connection_count, paylab.settlement.netting"),
    Control("reserve funds deposited centrally", "management", "paylab.compliance.reserve_shortfall"),
    Control("audit log and review", "management", "process: signed, append-only records reviewed by a second person"),
    Control("transaction records and reconciliation", "management",
            "paylab.settlement.reconcile"),
    Control("payment confirmation notice", "management", "process: confirmation sent when a payment completes"),
    Control("error investigation and correction", "management", "process: trace, correct, compensate"),
    Control("freeze on user report", "management", "process: stop further loss as soon as a user reports"),
    Control("user education and staff training", "management", "process: warnings, training, phishing drills"),
    Control("incident response plan", "management", "process: runbook, owner, reporting to regulators"),
    Control("data minimisation", "management", "process: collect and keep only what the payment needs"),
    Control("customer identity verification", "management", "process: real-name checks when an account opens"),
    Control("payment licence", "management", "process: a licence from the People's Bank of China"),
    Control("compliance map review", "management", "paylab.compliance.gaps"),
    Control("cross-border checks", "management", "process: trade authenticity, identity and FX reporting"),
)}


@dataclass(frozen=True)
class Law:
    """A law or rule in the map: its full name, its dates and the source we cite for it."""

    title: str
    date: str
    source: str
    articles: tuple[str, ...] = ()


#: Laws and rules in the map, oldest first: short name -> Law (source = bibliography key).
LAWS: dict[str, Law] = {
    "PBoC Order [2010] No. 2": Law("Measures for the Administration of Payment Services Provided by Non-financial "
                                   "Institutions (非金融机构支付服务管理办法), PBoC Order [2010] No. 2 (repealed)",
                                   "in force 1 Sep 2010", "pboc2010order2"),
    "Reserve-fund custody": Law("Measures for the Custody of Clients' Reserves of Payment Institutions, PBoC "
                                "Announcement No. 6 [2013]", "issued 7 Jun 2013", "pboc2013reserves"),
    "Cybersecurity Law": Law("Cybersecurity Law of the PRC (网络安全法)", "in force 1 Jun 2017",
                             "cybersecuritylaw2016"),
    "Centralised reserve deposit": Law("centralised deposit of customer reserve funds (备付金集中存管), PBoC notices",
                                       "partial from 17 Apr 2017, 100 % from January 2019", "cbn2019reserves"),
    "End of direct connection": Law("PBoC Payment and Settlement Department notice moving online payments from "
                                    "direct bank links to NetsUnion (断直连)", "issued Aug 2017, deadline 30 Jun 2018",
                                    "jjckb2017netsunion"),
    "Barcode payment rules": Law("Barcode Payment Business Specification (Trial) (条码支付业务规范（试行）), PBoC",
                                 "issued 27 Dec 2017, in force 1 Apr 2018", "ecns2017barcode"),
    "E-Commerce Law": Law("E-Commerce Law of the PRC (电子商务法)", "in force 1 Jan 2019", "ecommercelaw2018",
                          articles=tuple(f"Art. {n}" for n in range(53, 58))),
    "Cross-border FX rules": Law("SAFE guideline on the foreign-exchange business of payment institutions "
                                 "(after the 2015 nationwide pilot, Huifa No. 7 [2015])", "issued 29 Apr 2019",
                                 "xinhua2019safe"),
    "Loan APR disclosure": Law("PBoC Announcement No. 3 [2021]: loan products show an annualised rate",
                               "issued 31 Mar 2021", "cbn2021apr"),
    "Data Security Law": Law("Data Security Law of the PRC (数据安全法)", "in force 1 Sep 2021", "datasecuritylaw2021"),
    "PIPL": Law("Personal Information Protection Law of the PRC (个人信息保护法)", "in force 1 Nov 2021", "pipl2021"),
    "Non-bank Payment Regulations": Law("Regulations on the Supervision and Administration of Non-bank Payment "
                                        "Institutions (非银行支付机构监督管理条例), State Council Order No. 768",
                                        "issued Dec 2023, in force 1 May 2024", "statecouncil2023"),
}


@dataclass(frozen=True)
class Requirement:
    """One obligation, in our words, the controls that meet it, and the source (default: the law's)."""

    law: str
    article: str | None
    requirement: str
    controls: tuple[str, ...]
    simplified: bool = True
    source: str | None = None

    def __post_init__(self) -> None:
        if self.law not in LAWS:
            raise InvalidInput("law", "a key of LAWS", f"unknown law {self.law!r}")
        if self.article is not None and self.article not in LAWS[self.law].articles:
            raise InvalidInput("article", "only articles the source gives",
                               "article numbers are cited only where the cited source gives them")
        unknown = [c for c in self.controls if c not in CONTROLS]
        if unknown or not self.controls:
            raise InvalidInput("controls", "names in CONTROLS", f"unknown or missing controls {unknown}")
        if self.source is not None and (not isinstance(self.source, str) or not self.source):
            raise InvalidInput("source", "a bibliography key", "source is a bibliography key or None")

    @property
    def cite(self) -> str:
        """The bibliography key this line rests on."""
        return self.source or LAWS[self.law].source


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("E-Commerce Law", "Art. 53", "Tell users the service's functions, risks and fees; keep payment "
                "instructions complete, consistent, traceable and unalterable; give free reconciliation and three "
                "years of transaction records.",
                ("digital signatures", "AES-GCM record protection", "audit log and review",
                 "transaction records and reconciliation"), simplified=False),
    Requirement("E-Commerce Law", "Art. 54", "A provider that breaks national payment-security rules and causes "
                "a user loss must compensate it.",
                ("TLS-like handshake", "step-up authentication", "intrusion detection", "firewall segmentation"),
                simplified=False),
    Requirement("E-Commerce Law", "Art. 55", "Users check amount and payee; when a payment goes wrong the provider "
                "finds the cause, corrects it and bears the loss unless it shows it was not at fault.",
                ("error investigation and correction", "digital signatures", "audit log and review"),
                simplified=False),
    Requirement("E-Commerce Law", "Art. 56", "After a payment completes, send the user a prompt, accurate "
                "confirmation in the agreed form.", ("payment confirmation notice",), simplified=False),
    Requirement("E-Commerce Law", "Art. 57", "Users guard passwords and credentials and report problems; the "
                "provider bears losses from unauthorised payments unless it proves user fault, and must stop "
                "further loss at once.",
                ("step-up authentication", "one-time codes (TOTP/SMS)", "freeze on user report",
                 "user education and staff training"), simplified=False),
    Requirement("Cybersecurity Law", None, "Network operators protect their networks against attack, intrusion "
                "and malware with technical measures.", ("firewall segmentation", "intrusion detection")),
    Requirement("Cybersecurity Law", None, "Monitor and record network operation and security events, and keep "
                "the logs.", ("intrusion detection", "audit log and review")),
    Requirement("Cybersecurity Law", None, "Have an emergency plan for security incidents, act on it and report.",
                ("incident response plan",)),
    Requirement("PIPL", None, "Process personal information for a clear purpose, with a legal basis, limited to "
                "what is necessary.", ("data minimisation",)),
    Requirement("PIPL", None, "Financial accounts and biometric data are sensitive personal information: stricter "
                "protection and separate consent.",
                ("biometric confirmation", "AES-GCM record protection", "data minimisation")),
    Requirement("PIPL", None, "Take security measures such as encryption and de-identification, and control "
                "who can reach the data.",
                ("AES-GCM record protection", "scrypt password hashing", "firewall segmentation")),
    Requirement("PIPL", None, "Transfers of personal information abroad need a legal route and the user's "
                "information.", ("cross-border checks", "data minimisation")),
    Requirement("Data Security Law", None, "Classify data, protect it by grade, watch for risks and handle "
                "incidents.", ("compliance map review", "intrusion detection", "incident response plan")),
    Requirement("Non-bank Payment Regulations", None, "Payment business needs a licence from the People's Bank "
                "of China.", ("payment licence",)),
    Requirement("Non-bank Payment Regulations", None, "Verify customers' identity and keep transaction records "
                "and user information secure.",
                ("customer identity verification", "transaction records and reconciliation",
                 "AES-GCM record protection")),
    Requirement("Non-bank Payment Regulations", None, "Run risk management and internal control, and keep "
                "payment systems secure.",
                ("compliance map review", "step-up authentication", "intrusion detection", "audit log and review")),
    Requirement("PBoC Order [2010] No. 2", None, "(Historical, repealed) First licensing regime for network "
                "payment, prepaid cards and acquiring.", ("payment licence",)),
    Requirement("Cross-border FX rules", None, "Cross-border payments need a genuine trade behind them, known "
                "parties and reporting of foreign-exchange data.",
                ("cross-border checks", "customer identity verification")),
    Requirement("Reserve-fund custody", None, "Money received for customers' payments (reserve funds) is held "
                "in special reserve accounts at designated banks, apart from the institution's own money.",
                ("reserve funds deposited centrally", "transaction records and reconciliation")),
    Requirement("Centralised reserve deposit", None, "Customer reserve funds are deposited in a centralised "
                "account: a share from 17 Apr 2017, all of them from January 2019, so the institution can neither "
                "spend nor lend them.",
                ("reserve funds deposited centrally", "transaction records and reconciliation")),
    Requirement("End of direct connection", None, "From 30 Jun 2018 every online payment a payment institution "
                "handles that involves a bank account goes through NetsUnion (or UnionPay), not a direct link to "
                "the bank, so the regulator sees the flows.",
                ("central clearing", "transaction records and reconciliation")),
    Requirement("Barcode payment rules", None, "Static codes (printed, reusable) are grade D: at most CNY 500 a "
                "day per customer, whatever the verification; they must be checked against tampering.",
                ("barcode limits by risk grade",), source="ecns2017barcode"),
    Requirement("Barcode payment rules", None, "Dynamic codes are graded by verification: A (two or more factors, "
                "one a digital certificate or e-signature) limit agreed by contract, B (two or more factors "
                "without one) CNY 5,000 a day, C (fewer than two factors) CNY 1,000 a day.",
                ("barcode limits by risk grade", "step-up authentication", "digital signatures"),
                source="link2018barcodegrades"),
    Requirement("Loan APR disclosure", None, "Every loan product, including loans shown on internet platforms, "
                "displays its annualised rate with all directly related fees, more prominently than any daily or "
                "monthly rate.", ("annualised-rate disclosure",)),
    Requirement("PIPL", None, "Tell the affected people and the authorities when personal information leaks, "
                "and take remedial measures.", ("incident response plan", "audit log and review")),
)


def controls_table() -> pd.DataFrame:
    """Every control with its kind (technical or management) and where the book shows it."""
    return pd.DataFrame([{"control": c.name, "kind": c.kind, "shown by": c.where} for c in CONTROLS.values()])


def laws_table() -> pd.DataFrame:
    """The laws and rules of the map, oldest first, with their dates and bibliography keys."""
    return pd.DataFrame([{"rule": k, "full name": v.title, "date": v.date, "source": v.source}
                         for k, v in LAWS.items()])


_COLUMNS = ["law", "date", "article", "requirement", "controls", "shown by", "source", "summary"]


def compliance_map(requirements: Iterable[Requirement] = REQUIREMENTS) -> pd.DataFrame:
    """Law -> requirement -> controls (and the functions that show them), oldest rule first, with its source."""
    order = {name: i for i, name in enumerate(LAWS)}
    rows = []
    for r in requirements:
        if not isinstance(r, Requirement):
            raise InvalidInput("requirements", "Requirement objects", "the map holds Requirement objects")
        rows.append({"law": r.law, "date": LAWS[r.law].date, "article": r.article or "(law as a whole)",
                     "requirement": r.requirement, "controls": "; ".join(r.controls),
                     "shown by": "; ".join(CONTROLS[c].where for c in r.controls if CONTROLS[c].where.startswith(
                         "paylab")) or "management process",
                     "source": r.cite, "summary": "simplified" if r.simplified else "close summary",
                     "_order": order[r.law]})
    if not rows:
        return pd.DataFrame(columns=_COLUMNS)
    frame = pd.DataFrame(rows).sort_values("_order", kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


def coverage(requirements: Iterable[Requirement] = REQUIREMENTS) -> pd.DataFrame:
    """How many requirements each control serves (controls serving none are listed with 0)."""
    counts = dict.fromkeys(CONTROLS, 0)
    for r in requirements:
        for c in r.controls:
            counts[c] += 1
    frame = pd.DataFrame({"control": list(counts), "requirements": list(counts.values())})
    frame["kind"] = [CONTROLS[c].kind for c in frame["control"]]
    return frame.sort_values(["requirements", "control"], ascending=[False, True], kind="stable").reset_index(drop=True)


def gaps(implemented: Iterable[str], requirements: Iterable[Requirement] = REQUIREMENTS) -> pd.DataFrame:
    """Requirements that none of the ``implemented`` controls meets (an empty table means none)."""
    have = set(implemented)
    unknown = have - set(CONTROLS)
    if unknown:
        raise InvalidInput("implemented", "names in CONTROLS", f"unknown controls {sorted(unknown)}")
    return compliance_map([r for r in requirements if not have & set(r.controls)])


# --- The PBoC rules as functions the chapter runs -------------------------------------------------------------

#: Daily limit per customer for each barcode risk grade (None: agreed by contract), source ecns2017barcode.
BARCODE_LIMITS: dict[str, Money | None] = {"A": None, "B": Money(5000, "CNY"), "C": Money(1000, "CNY"),
                                           "D": Money(500, "CNY")}

#: Most institutions or banks :func:`connection_count` accepts.
MAX_PARTIES = 100_000


def barcode_grade(*, static: bool, factors: int, certificate: bool = False) -> str:
    """Risk grade of a barcode payment: D for a static code, else A/B/C by the verification it used.

    ``factors`` counts the kinds of verification (password, SMS code, fingerprint, ...); ``certificate``
    says whether one of them is a digital certificate or electronic signature.
    """
    if not isinstance(static, bool) or not isinstance(certificate, bool):
        raise InvalidInput("static", "True or False", "static and certificate are yes/no flags")
    if isinstance(factors, bool) or not isinstance(factors, int) or not 0 <= factors <= 10:
        raise InvalidInput("factors", "integer 0..10", "factors counts the kinds of verification used")
    if certificate and factors < 1:
        raise InvalidInput("certificate", "counted in factors", "a certificate is one of the factors")
    if static:
        return "D"
    if factors >= 2:
        return "A" if certificate else "B"
    return "C"


def barcode_allows(spent_today: Money, amount: Money, grade: str) -> bool:
    """Whether a barcode payment of ``amount`` fits the day's limit for ``grade`` after ``spent_today``."""
    if grade not in BARCODE_LIMITS:
        raise InvalidInput("grade", "A, B, C or D", f"unknown barcode risk grade {grade!r}")
    for name, value in (("spent_today", spent_today), ("amount", amount)):
        if not isinstance(value, Money) or value.currency.code != "CNY" or value < Money.zero("CNY"):
            raise InvalidInput(name, "non-negative Money in CNY", f"{name} is a CNY amount")
    limit = BARCODE_LIMITS[grade]
    return limit is None or spent_today + amount <= limit


def barcode_limits_table() -> pd.DataFrame:
    """The four grades: which codes and verification they cover, and the daily limit per customer."""
    what = {"A": "dynamic code, two or more factors including a digital certificate or e-signature",
            "B": "dynamic code, two or more factors, none a certificate or e-signature",
            "C": "dynamic code, fewer than two factors",
            "D": "static code (printed, reusable), any verification"}
    return pd.DataFrame([{"grade": g, "codes and verification": what[g],
                          "daily limit per customer": "agreed by contract" if lim is None else lim}
                         for g, lim in BARCODE_LIMITS.items()])


def reserve_shortfall(customer_balances: Iterable[Money], deposited: Money, *,
                      required_share: Decimal | int | str = 1) -> Money:
    """How much more must go into the central reserve account (zero when the deposit covers the share).

    ``customer_balances`` are what the institution owes its customers; ``required_share`` is the part of
    it to be deposited centrally (1 = 100 %, the rule from January 2019).
    """
    try:
        share = Decimal(str(required_share))
    except ArithmeticError:
        raise InvalidInput("required_share", "a number 0..1", "required_share is a fraction") from None
    if not share.is_finite() or not 0 <= share <= 1:
        raise InvalidInput("required_share", "a number 0..1", "required_share is a fraction between 0 and 1")
    if not isinstance(deposited, Money):
        raise InvalidInput("deposited", "Money", "deposited is a Money amount")
    owed = Money.zero(deposited.currency)
    for b in customer_balances:
        if not isinstance(b, Money) or b.currency != deposited.currency or b < Money.zero(deposited.currency):
            raise InvalidInput("customer_balances", "non-negative Money in the deposit's currency",
                               "each balance is what one customer is owed")
        owed = owed + b
    missing = owed.scale(share) - deposited
    return missing if missing > Money.zero(deposited.currency) else Money.zero(deposited.currency)


def connection_count(institutions: int, banks: int) -> pd.DataFrame:
    """Links needed when every institution connects to every bank, and when all connect to one clearing house."""
    for name, value in (("institutions", institutions), ("banks", banks)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PARTIES:
            raise InvalidInput(name, f"integer 1..{MAX_PARTIES:,}", f"{name} is a count of parties")
    return pd.DataFrame([{"model": "direct connections (before 2018)", "links": institutions * banks},
                         {"model": "through a clearing house (NetsUnion)", "links": institutions + banks}])
