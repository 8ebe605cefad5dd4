"""paylab.netsec: first-match semantics, generated traffic, IDS rules and the confusion matrix."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab.errors import InvalidInput
from paylab.netsec import (
    HOSTS,
    IDS,
    Firewall,
    FirewallRule,
    RateRule,
    SignatureRule,
    confusion_matrix,
    default_ids_rules,
    default_rules,
    detection_metrics,
    generate_events,
    generate_traffic,
)

PKT = {"protocol": "tcp", "src": "198.51.100.7", "dst": HOSTS["gateway"], "dst_port": 443}


def test_first_match_wins():
    allow = FirewallRule("allow https", "allow", "tcp", dst="203.0.113.0/24", dst_port=443)
    deny = FirewallRule("deny all", "deny")
    assert Firewall([allow, deny]).decide(PKT) == ("allow", "allow https")
    assert Firewall([deny, allow]).decide(PKT) == ("deny", "deny all")
    assert Firewall([], default="allow").decide(PKT) == ("allow", "default")


def test_rule_matching_fields():
    rule = FirewallRule("r", "allow", "udp", src="10.0.0.0/8", dst="10.0.2.0/24", dst_port=(5000, 5999))
    ok = {"protocol": "udp", "src": "10.1.2.3", "dst": "10.0.2.9", "dst_port": 5432}
    assert rule.matches(ok)
    assert not rule.matches({**ok, "protocol": "tcp"})
    assert not rule.matches({**ok, "src": "11.0.0.1"})
    assert not rule.matches({**ok, "dst": "10.0.3.1"})
    assert not rule.matches({**ok, "dst_port": 6000})


@pytest.mark.parametrize(("kwargs", "field"), [({"action": "drop"}, "action"), ({"protocol": "gre"}, "protocol"),
                                               ({"src": "10.0.0.0/33"}, "src"), ({"dst": "nowhere"}, "dst"),
                                               ({"dst_port": 70000}, "dst_port"), ({"dst_port": (9, 1)}, "dst_port")])
def test_bad_rules(kwargs, field):
    with pytest.raises(InvalidInput) as err:
        FirewallRule("r", **{"action": "allow", **kwargs})
    assert err.value.field == field


def test_bad_firewall_inputs():
    with pytest.raises(InvalidInput) as err:
        Firewall([], default="maybe")
    assert err.value.field == "default"
    with pytest.raises(InvalidInput) as err:
        Firewall(default_rules()).decide({"src": "1.2.3.4"})
    assert err.value.field == "protocol"


def test_default_rules_on_generated_traffic():
    traffic = generate_traffic(800, seed=3)
    out = Firewall(default_rules()).filter(traffic)
    benign = out[~out["malicious"]]
    assert (benign["action"] == "allow").all()                      # the rule set lets business through
    network = out[out["kind"].isin(["port scan", "db probe", "ssh from internet", "lateral move"])]
    assert (network["action"] == "deny").all()
    web = out[out["kind"] == "web attack on 443"]
    assert len(web) and (web["action"] == "allow").all()            # a packet filter cannot see these


def test_misordered_rules_let_attacks_in():
    traffic = generate_traffic(500, seed=1)
    bad = Firewall([FirewallRule("allow tcp", "allow", "tcp"), *default_rules()]).filter(traffic)
    assert (bad["action"] == "allow").all()


def test_traffic_seeded():
    pd.testing.assert_frame_equal(generate_traffic(100, seed=5), generate_traffic(100, seed=5))
    with pytest.raises(InvalidInput):
        generate_traffic(0)


def _events(rows):
    base = {"type": "login", "ip": "1.1.1.1", "user": "u", "success": False, "card": "", "amount_minor": 0,
            "attack": "none"}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_rate_rule_window_and_distinct():
    rows = [{"time": float(t), "user": f"u{t}"} for t in range(0, 50, 10)]      # 5 users, 10 s apart
    ev = _events(rows)
    assert RateRule("r", "login", "ip", window=45, threshold=5, count="distinct:user").alerts(ev).sum() == 1
    assert RateRule("r", "login", "ip", window=35, threshold=5, count="distinct:user").alerts(ev).sum() == 0
    assert list(RateRule("r", "login", "ip", window=100, threshold=3, count="failures").alerts(ev)) == \
        [False, False, True, True, True]
    ev.loc[:, "success"] = True
    assert RateRule("r", "login", "ip", window=100, threshold=3, count="failures").alerts(ev).sum() == 0
    assert RateRule("r", "login", "ip", window=100, threshold=3, count="all").alerts(ev).sum() == 3


def test_signature_rule():
    ev = _events([{"time": 0.0, "user": "alice"}, {"time": 1.0, "user": "x' OR '1'='1"}])
    assert list(default_ids_rules()[0].alerts(ev)) == [False, True]
    with pytest.raises(InvalidInput) as err:
        SignatureRule("s", "user", "(")
    assert err.value.field == "pattern"


def test_ids_on_generated_events():
    events = generate_events(seed=0)
    out = IDS(default_ids_rules()).run(events)
    metrics = detection_metrics(confusion_matrix(out["attack"] != "none", out["alert"]))
    assert metrics["recall"] > 0.85 and metrics["precision"] > 0.8
    sqli = out[out["attack"] == "sql_injection"]
    assert sqli["rules"].str.contains("sql injection").all()


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=50))
def test_confusion_matrix_counts(pairs):
    truth, pred = zip(*pairs, strict=True)
    m = confusion_matrix(truth, pred)
    assert int(m.to_numpy().sum()) == len(pairs)
    assert m.loc["attack", "alert"] == sum(t and p for t, p in pairs)
    metrics = detection_metrics(m)
    assert all(0 <= v <= 1 for v in metrics.values())


def test_bad_ids_inputs():
    with pytest.raises(InvalidInput):
        IDS([])
    with pytest.raises(InvalidInput) as err:
        RateRule("r", "login", "ip", 10, 0)
    assert err.value.field == "threshold"
    with pytest.raises(InvalidInput) as err:
        RateRule("r", "login", "ip", 10, 3, count="median")
    assert err.value.field == "count"
    with pytest.raises(InvalidInput):
        confusion_matrix([True], [True, False])
