"""Network defences on synthetic logs: a first-match packet filter and a small IDS.

The firewall reads its rules top to bottom and the first rule that matches a packet
decides (as iptables or a cloud security group does). The intrusion-detection engine
runs *signature* rules (a pattern in one event, e.g. SQL injection in a user name) and
*rate* rules (too many failures or too many distinct users/cards from one address in
a window: credential stuffing, card testing). Both are scored against the ground truth
the generators write, with a confusion matrix. All traffic here is synthetic and seeded.
"""

from __future__ import annotations

import ipaddress
import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

import numpy as np
import pandas as pd

from paylab.clock import EPOCH_2026
from paylab.errors import InvalidInput
from paylab.validation import Between, Count, Seed

__all__ = ["HOSTS", "FirewallRule", "Firewall", "default_rules", "generate_traffic", "SignatureRule", "RateRule",
           "IDS", "default_ids_rules", "generate_events", "confusion_matrix", "detection_metrics"]

#: The toy payment network: a public gateway, an application tier, a database, an admin jump host.
HOSTS = {"gateway": "203.0.113.10", "app": "10.0.1.20", "db": "10.0.2.5", "jump": "10.0.9.4"}
_PROTOCOLS = ("tcp", "udp", "icmp", "any")


def _network(value: str, field: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(value, strict=False)
    except (ValueError, TypeError):
        raise InvalidInput(field, "CIDR like 10.0.0.0/8", f"{value!r} is not a network") from None


@dataclass(frozen=True)
class FirewallRule:
    """One packet-filter rule; ``dst_port`` is a port, an inclusive (low, high) range, or None for any."""

    name: str
    action: str
    protocol: str = "any"
    src: str = "0.0.0.0/0"
    dst: str = "0.0.0.0/0"
    dst_port: int | tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.action not in ("allow", "deny"):
            raise InvalidInput("action", "allow or deny", f"unknown action {self.action!r}")
        if self.protocol not in _PROTOCOLS:
            raise InvalidInput("protocol", "tcp, udp, icmp or any", f"unknown protocol {self.protocol!r}")
        _network(self.src, "src")
        _network(self.dst, "dst")
        port = self.dst_port
        low, high = (port, port) if isinstance(port, int) else (port if port is not None else (0, 65535))
        if isinstance(port, bool) or not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= 65535):
            raise InvalidInput("dst_port", "0..65535 or (low, high)", f"bad port {port!r}")

    def matches(self, packet: Mapping) -> bool:
        """True when protocol, source, destination and port all match."""
        if self.protocol != "any" and packet["protocol"] != self.protocol:
            return False
        if ipaddress.ip_address(packet["src"]) not in _network(self.src, "src"):
            return False
        if ipaddress.ip_address(packet["dst"]) not in _network(self.dst, "dst"):
            return False
        if self.dst_port is None:
            return True
        low, high = (self.dst_port, self.dst_port) if isinstance(self.dst_port, int) else self.dst_port
        return low <= int(packet["dst_port"]) <= high


class Firewall:
    """First-match packet filter: the first rule that matches decides; else the default action."""

    def __init__(self, rules: Sequence[FirewallRule], default: str = "deny") -> None:
        if default not in ("allow", "deny"):
            raise InvalidInput("default", "allow or deny", f"unknown default {default!r}")
        if not all(isinstance(r, FirewallRule) for r in rules):
            raise InvalidInput("rules", "FirewallRule objects", "every rule must be a FirewallRule")
        self.rules, self.default = list(rules), default

    def decide(self, packet: Mapping) -> tuple[str, str]:
        """(action, name of the deciding rule or 'default')."""
        for field in ("protocol", "src", "dst", "dst_port"):
            if field not in packet:
                raise InvalidInput(field, "present", f"a packet needs {field!r}")
        for rule in self.rules:
            if rule.matches(packet):
                return rule.action, rule.name
        return self.default, "default"

    def filter(self, traffic: pd.DataFrame) -> pd.DataFrame:
        """``traffic`` with ``action`` and ``rule`` columns added."""
        decisions = [self.decide(p) for p in traffic.to_dict("records")]
        out = traffic.copy()
        out["action"] = [d[0] for d in decisions]
        out["rule"] = [d[1] for d in decisions]
        return out


def default_rules() -> list[FirewallRule]:
    """A sensible rule set for the toy network: only what each tier needs, then deny."""
    return [
        FirewallRule("https to gateway", "allow", "tcp", dst=f"{HOSTS['gateway']}/32", dst_port=443),
        FirewallRule("gateway to app", "allow", "tcp", src=f"{HOSTS['gateway']}/32", dst="10.0.1.0/24", dst_port=8443),
        FirewallRule("app to database", "allow", "tcp", src="10.0.1.0/24", dst="10.0.2.0/24", dst_port=5432),
        FirewallRule("ssh from jump host", "allow", "tcp", src="10.0.9.0/24", dst="10.0.0.0/8", dst_port=22),
        FirewallRule("deny everything else", "deny"),
    ]


def generate_traffic(n: Count[1, 20_000] = 2000, *, seed: Seed = 0, attack_share: float = 0.15) -> pd.DataFrame:
    """Seeded synthetic flows with ground truth: ``kind`` and ``malicious``.

    Benign kinds: customer HTTPS, gateway->app API, app->db queries, admin SSH from the
    jump host. Malicious kinds: application-layer attacks on HTTPS (which a packet
    filter cannot tell from customers), port scans of the gateway, database probes and SSH
    attempts from the internet, and a lateral move from the gateway straight to the database.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInput("n", "positive integer", "n must be a positive whole number")
    if not isinstance(attack_share, float) or not 0 <= attack_share <= 1:
        raise InvalidInput("attack_share", "0..1", "attack_share is a fraction")
    rng = np.random.default_rng(seed)

    def internet() -> str:
        a, b, c = rng.integers(0, 256, 3)
        return f"{rng.choice([198, 45, 101, 185])}.{a}.{b}.{c % 254 + 1}"

    benign = [("https", 0.70, lambda: (internet(), HOSTS["gateway"], "tcp", 443)),
              ("api", 0.15, lambda: (HOSTS["gateway"], HOSTS["app"], "tcp", 8443)),
              ("db query", 0.12, lambda: (HOSTS["app"], HOSTS["db"], "tcp", 5432)),
              ("admin ssh", 0.03, lambda: (HOSTS["jump"], HOSTS["app"], "tcp", 22))]
    attacks = [("web attack on 443", 0.15, lambda: (internet(), HOSTS["gateway"], "tcp", 443)),
               ("port scan", 0.40, lambda: (internet(), HOSTS["gateway"], "tcp", int(rng.integers(1, 1024)))),
               ("db probe", 0.20, lambda: (internet(), HOSTS["db"], "tcp", 5432)),
               ("ssh from internet", 0.15, lambda: (internet(), HOSTS["jump"], "tcp", 22)),
               ("lateral move", 0.10, lambda: (HOSTS["gateway"], HOSTS["db"], "tcp", 5432))]
    rows = []
    times = EPOCH_2026 + np.sort(rng.uniform(0, 3600, n))
    for t in times:
        malicious = rng.random() < attack_share
        table = attacks if malicious else benign
        kind, _, make = table[rng.choice(len(table), p=[w for _, w, _ in table])]
        src, dst, proto, port = make()
        if kind == "port scan" and port == 443:
            port = 444
        rows.append({"time": float(t), "src": src, "dst": dst, "protocol": proto, "dst_port": port,
                     "kind": kind, "malicious": malicious})
    return pd.DataFrame(rows)


# -- intrusion detection ------------------------------------------------------------------------

@dataclass(frozen=True)
class SignatureRule:
    """Alert on any event whose ``field`` matches the regular expression ``pattern``."""

    name: str
    field: str
    pattern: str

    def __post_init__(self) -> None:
        try:
            re.compile(self.pattern)
        except re.error:
            raise InvalidInput("pattern", "regular expression", f"{self.pattern!r} does not compile") from None

    def alerts(self, events: pd.DataFrame) -> np.ndarray:
        if self.field not in events.columns:
            raise InvalidInput("field", "an event column", f"events have no column {self.field!r}")
        compiled = re.compile(self.pattern, re.IGNORECASE)
        return np.array([bool(compiled.search(str(v))) for v in events[self.field]], bool)


@dataclass(frozen=True)
class RateRule:
    """Alert when, for one ``key`` (e.g. ip), the trailing ``window`` seconds hold ``threshold`` or more.

    ``count`` says what is counted among events of ``event_type``: ``"all"``, ``"failures"``
    (``success`` is False) or ``"distinct:<column>"`` (distinct users, cards, ...).
    """

    name: str
    event_type: str
    key: str
    window: float
    threshold: int
    count: str = "failures"

    def __post_init__(self) -> None:
        if not (self.count in ("all", "failures") or self.count.startswith("distinct:")):
            raise InvalidInput("count", "all, failures or distinct:<column>", f"unknown count {self.count!r}")
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int) or self.threshold < 1:
            raise InvalidInput("threshold", "positive integer", "threshold must be a positive whole number")
        if not isinstance(self.window, (int, float)) or self.window <= 0:
            raise InvalidInput("window", "positive seconds", "window must be positive")

    def alerts(self, events: pd.DataFrame) -> np.ndarray:
        for col in ("time", "type", self.key):
            if col not in events.columns:
                raise InvalidInput("events", f"column {col}", f"events have no column {col!r}")
        flags = np.zeros(len(events), bool)
        mask = (events["type"] == self.event_type).to_numpy().copy()
        if self.count == "failures":
            mask &= ~events["success"].to_numpy(bool)
        distinct = self.count.split(":", 1)[1] if self.count.startswith("distinct:") else None
        sub = events[mask]
        for _, group in sub.groupby(self.key, sort=False):
            group = group.sort_values("time")
            times = group["time"].to_numpy(float)
            idx = group.index.to_numpy()
            if distinct is None:
                starts = np.searchsorted(times, times - self.window, side="right")
                counts = np.arange(1, len(times) + 1) - starts
                flags[np.asarray(events.index.get_indexer(idx[counts >= self.threshold]))] = True
                continue
            values = group[distinct].to_numpy()
            window: deque[tuple[float, object]] = deque()
            seen: dict[object, int] = {}
            for t, v, i in zip(times, values, idx, strict=True):
                window.append((t, v))
                seen[v] = seen.get(v, 0) + 1
                while window and window[0][0] <= t - self.window:
                    _, old = window.popleft()
                    seen[old] -= 1
                    if not seen[old]:
                        del seen[old]
                if len(seen) >= self.threshold:
                    flags[events.index.get_loc(i)] = True
        return flags


class IDS:
    """Runs signature and rate rules over an event log; an event alerts if any rule fires."""

    def __init__(self, rules: Sequence[SignatureRule | RateRule]) -> None:
        if not rules or not all(isinstance(r, (SignatureRule, RateRule)) for r in rules):
            raise InvalidInput("rules", "SignatureRule/RateRule list", "give at least one IDS rule")
        self.rules = list(rules)

    def run(self, events: pd.DataFrame) -> pd.DataFrame:
        """``events`` with an ``alert`` column and ``rules`` (names of the rules that fired)."""
        events = events.reset_index(drop=True)
        fired = {r.name: r.alerts(events) for r in self.rules}
        out = events.copy()
        out["rules"] = [", ".join(n for n, f in fired.items() if f[i]) for i in range(len(events))]
        out["alert"] = out["rules"] != ""
        return out


def default_ids_rules() -> list[SignatureRule | RateRule]:
    """Rules for the synthetic log: SQL injection signature, credential stuffing, card testing."""
    return [
        SignatureRule("sql injection", "user", r"('|%27)\s*(or|union)\b|--|;\s*drop\b"),
        RateRule("credential stuffing", "login", "ip", window=600, threshold=10, count="distinct:user"),
        RateRule("login failures", "login", "ip", window=300, threshold=8, count="failures"),
        RateRule("card testing", "payment", "ip", window=900, threshold=6, count="distinct:card"),
    ]


def generate_events(*, seed: Seed = 0, users: Count[1, 10_000] = 300,
                    hours: Annotated[float, Between(0, 24 * 31)] = 24.0) -> pd.DataFrame:
    """Seeded synthetic login and payment events with ground truth ``attack``.

    Benign users log in and pay from their own address (some typos, some declines,
    a quarter behind five office addresses who all sign in
    around 09:00). Attacks: one credential-stuffing run, one
    card-testing run (many cards, small amounts, mostly declined) and a few SQL-injection logins.
    """
    if isinstance(users, bool) or not isinstance(users, int) or users < 10:
        raise InvalidInput("users", "integer >= 10", "users must be at least 10")
    rng = np.random.default_rng(seed)
    span = hours * 3600
    rows: list[dict] = []
    office = [f"100.64.0.{i}" for i in range(1, 6)]

    def add(t, kind, ip, user, success, card="", amount=0, attack="none"):
        rows.append({"time": EPOCH_2026 + float(t), "type": kind, "ip": ip, "user": user, "success": bool(success),
                     "card": card, "amount_minor": int(amount), "attack": attack})

    for u in range(users):
        a, b, c = rng.integers(1, 223), rng.integers(0, 256), rng.integers(0, 256)
        in_office = u % 4 == 0                            # a quarter share five office addresses
        ip = office[u % 5] if in_office else f"{a}.{b}.{c}.{u % 250 + 1}"
        card = f"card-{u:04d}"
        for visit in range(rng.poisson(3) + 1):
            # office staff all sign in between 09:00 and 09:15: a burst that looks like an attack
            t = 9 * 3600 + rng.uniform(0, 900) if in_office and visit == 0 else rng.uniform(0, span)
            if rng.random() < 0.08:                       # typo, then success
                add(t, "login", ip, f"user{u}", False)
            add(t + 5, "login", ip, f"user{u}", True)
            if rng.random() < 0.6:
                add(t + 60, "payment", ip, f"user{u}", rng.random() > 0.05, card, rng.lognormal(np.log(12000), 1))
    # credential stuffing: leaked user/password pairs tried from a few addresses
    t0 = rng.uniform(0, span - 3600)
    for k in range(400):
        ip = f"185.220.101.{k % 4 + 1}"
        add(t0 + k * 1.0, "login", ip, f"leaked{k}", rng.random() < 0.02, attack="credential_stuffing")
    # card testing: a bot checks stolen cards with tiny payments
    t1 = rng.uniform(0, span - 3600)
    for k in range(120):
        add(t1 + k * 7.0, "payment", "45.155.205.9", "guest", rng.random() < 0.15, f"stolen-{k:03d}",
            rng.integers(100, 300), attack="card_testing")
    for k in range(5):
        add(rng.uniform(0, span), "login", f"91.240.118.{k + 1}", "admin' OR '1'='1' --", False, attack="sql_injection")
    return pd.DataFrame(rows).sort_values("time", kind="stable").reset_index(drop=True)


def confusion_matrix(truth: Sequence[bool] | pd.Series, predicted: Sequence[bool] | pd.Series) -> pd.DataFrame:
    """2x2 counts: rows = actual (attack, benign), columns = predicted (alert, no alert)."""
    t, p = np.asarray(truth, bool), np.asarray(predicted, bool)
    if t.shape != p.shape:
        raise InvalidInput("predicted", "same length as truth", "truth and predicted differ in length")
    return pd.DataFrame([[int((t & p).sum()), int((t & ~p).sum())], [int((~t & p).sum()), int((~t & ~p).sum())]],
                        index=pd.Index(["attack", "benign"], name="actual"),
                        columns=pd.Index(["alert", "no alert"], name="predicted"))


def detection_metrics(matrix: pd.DataFrame) -> dict[str, float]:
    """Precision, recall (detection rate) and false-positive rate from :func:`confusion_matrix`."""
    tp, fn = matrix.loc["attack", "alert"], matrix.loc["attack", "no alert"]
    fp, tn = matrix.loc["benign", "alert"], matrix.loc["benign", "no alert"]
    return {"precision": float(tp / (tp + fp)) if tp + fp else 0.0,
            "recall": float(tp / (tp + fn)) if tp + fn else 0.0,
            "false positive rate": float(fp / (fp + tn)) if fp + tn else 0.0}
