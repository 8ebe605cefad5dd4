"""Compliance map: what PRC payment-related law asks for, and which controls of chapter 4 answer it.

Each requirement is a short summary in our own words, tied to the law by name and its
bibliography key. Article numbers are given only where we could confirm them (E-Commerce
Law arts. 53-57); every other line cites the law as a whole and is marked *simplified*.
This is a teaching map, not legal advice: read the laws themselves before relying on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from paylab.errors import InvalidInput

__all__ = ["Control", "CONTROLS", "LAWS", "Requirement", "REQUIREMENTS", "controls_table", "compliance_map",
           "coverage", "gaps"]


@dataclass(frozen=True)
class Control:
    """A technical or management measure and where the book shows it."""

    name: str
    kind: str
    where: str


CONTROLS: dict[str, Control] = {c.name: c for c in (
    Control("TLS-like handshake", "technical", "paylab.crypto handshake (section 4.2)"),
    Control("AES-GCM record protection", "technical", "paylab.crypto.aes_gcm_encrypt (section 4.2)"),
    Control("certificate checks", "technical", "paylab.crypto.verify_chain (section 4.2)"),
    Control("digital signatures", "technical", "paylab.crypto.sign / verify (section 4.2)"),
    Control("scrypt password hashing", "technical", "paylab.auth.hash_password (section 4.2)"),
    Control("one-time codes (TOTP/SMS)", "technical", "paylab.auth.totp, SmsCodeService (section 4.2)"),
    Control("biometric confirmation", "technical", "paylab.auth.threshold_for_far (section 4.2)"),
    Control("step-up authentication", "technical", "paylab.auth.StepUpPolicy (section 4.2)"),
    Control("firewall segmentation", "technical", "paylab.netsec.Firewall (section 4.2)"),
    Control("intrusion detection", "technical", "paylab.netsec.IDS (section 4.2)"),
    Control("audit log and review", "management", "signed, append-only records reviewed by a second person"),
    Control("transaction records and reconciliation", "management", "ledger kept 3+ years, free statements"),
    Control("payment confirmation notice", "management", "confirmation sent when a payment completes"),
    Control("error investigation and correction", "management", "process: trace, correct, compensate"),
    Control("freeze on user report", "management", "process: stop further loss as soon as a user reports"),
    Control("user education and staff training", "management", "warnings, training, phishing drills"),
    Control("incident response plan", "management", "runbook, owner, reporting to regulators"),
    Control("data minimisation", "management", "collect and keep only what the payment needs"),
    Control("customer identity verification", "management", "real-name checks when an account opens"),
    Control("payment licence", "management", "a licence from the People's Bank of China"),
    Control("compliance map review", "management", "paylab.compliance, reviewed when rules change"),
    Control("cross-border checks", "management", "trade authenticity, identity and FX reporting"),
)}

#: Laws and rules in the map: short name -> (full name, bibliography key or None).
LAWS: dict[str, tuple[str, str | None]] = {
    "E-Commerce Law": ("E-Commerce Law of the PRC (电子商务法), in force 1 Jan 2019", "ecommercelaw2018"),
    "Cybersecurity Law": ("Cybersecurity Law of the PRC (网络安全法), in force 1 Jun 2017", "cybersecuritylaw2016"),
    "PIPL": ("Personal Information Protection Law (个人信息保护法), in force 1 Nov 2021", "pipl2021"),
    "Data Security Law": ("Data Security Law (数据安全法), in force 1 Sep 2021", "datasecuritylaw2021"),
    "Non-bank Payment Regulations": ("Regulations on the Supervision and Administration of Non-bank Payment "
                                     "Institutions, State Council Order No. 768, in force 1 May 2024",
                                     "statecouncil2023"),
    "PBoC Order [2010] No. 2": ("Measures for the Administration of Payment Services Provided by Non-financial "
                                "Institutions, PBoC Order [2010] No. 2 (repealed)", "pboc2010order2"),
    "Cross-border FX rules": ("foreign-exchange administration rules for payment institutions' cross-border "
                              "business (no single document cited)", None),
}


@dataclass(frozen=True)
class Requirement:
    """One obligation, in our words, and the controls that meet it."""

    law: str
    article: str | None
    requirement: str
    controls: tuple[str, ...]
    simplified: bool = True

    def __post_init__(self) -> None:
        if self.law not in LAWS:
            raise InvalidInput("law", "a key of LAWS", f"unknown law {self.law!r}")
        if self.article is not None and self.law != "E-Commerce Law":
            raise InvalidInput("article", "only confirmed articles", "article numbers are cited only where confirmed")
        unknown = [c for c in self.controls if c not in CONTROLS]
        if unknown or not self.controls:
            raise InvalidInput("controls", "names in CONTROLS", f"unknown or missing controls {unknown}")


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
)


def controls_table() -> pd.DataFrame:
    """Every control with its kind (technical or management) and where the book shows it."""
    return pd.DataFrame([{"control": c.name, "kind": c.kind, "where": c.where} for c in CONTROLS.values()])


def compliance_map(requirements: Iterable[Requirement] = REQUIREMENTS) -> pd.DataFrame:
    """Law -> requirement -> controls, one row per requirement, with the cite key and a simplified flag."""
    rows = []
    for r in requirements:
        if not isinstance(r, Requirement):
            raise InvalidInput("requirements", "Requirement objects", "the map holds Requirement objects")
        rows.append({"law": r.law, "article": r.article or "(law as a whole)", "requirement": r.requirement,
                     "controls": "; ".join(r.controls), "cite": LAWS[r.law][1] or "",
                     "summary": "simplified" if r.simplified else "close summary"})
    return pd.DataFrame(rows)


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
    missing = [r for r in requirements if not have & set(r.controls)]
    return compliance_map(missing) if missing else compliance_map(()).reindex(columns=[
        "law", "article", "requirement", "controls", "cite", "summary"])
