"""Every parameter record of chapter 6's models documents its fields, so parameter_table can show it."""

from __future__ import annotations

import dataclasses

import pytest

import paylab.cases as cases
from paylab.cases import logistics, real, social
from paylab.errors import InvalidInput
from paylab.parameters import parameter_table
from paylab.tables import Table

RESULTS = {"AprResult", "MarketOutcome", "Redemption", "RealCase"}  # outputs and facts, not parameters


def _records():
    found = []
    for mod in (cases.checkout, cases.credit, cases.disputes, cases.escrow_trust, cases.failures,
                cases.logistics, cases.social, cases.wallet_yield):
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and name not in RESULTS:
                found.append(obj)
    return found


def _instance(cls):
    if cls is logistics.MethodTerms:
        return logistics.DEFAULT_TERMS["cod"]
    if cls is social.RiskRule:
        return social.RULES["device_limit"]
    return cls()


def test_every_parameter_record_is_found():
    names = {c.__name__ for c in _records()}
    assert {"EscrowParams", "CheckoutParams", "RevolvingParams", "DisputeParams", "BreachParams", "GrowthParams",
            "ExperienceParams", "ComplianceParams", "LogisticsParams", "MethodTerms", "GroupParams", "RiskRule",
            "CampaignParams", "WalletParams"} <= names


@pytest.mark.parametrize("cls", _records(), ids=lambda c: c.__name__)
def test_parameter_table_documents_every_field(cls):
    record = _instance(cls)
    t = parameter_table(record)
    assert isinstance(t, Table)
    fields = [f.name for f in dataclasses.fields(record) if f.name != "currency"]
    assert list(t.frame["parameter"]) == fields
    assert all(t.frame["meaning"].str.len() > 0)
    assert all(s == "illustrative" or s.strip() for s in t.frame["source"])
    assert "Params(" not in repr(t) and "Decimal('" not in repr(t)
    zh = parameter_table(record, lang="zh_CN")
    assert "含义" in zh.frame.columns


def test_money_fields_show_as_money():
    t = parameter_table(cases.EscrowParams())
    price = t.frame.set_index("parameter").loc["price_minor", "value"]
    assert price == "CNY 200.00"


def test_defaults_and_positional_order_unchanged():
    assert cases.GroupParams(3, 8, 0.2) == cases.GroupParams()
    assert cases.EscrowParams().auto_confirm_days == 10.0
    assert social.RiskRule("x", 0.5, 0.1).catch_rate == 0.5


def test_real_cases_are_cited_and_name_a_model():
    frame = real.real_cases()
    assert len(frame) >= 7
    assert frame["source"].str.len().min() > 0
    for model in frame["paylab model"]:
        module, func = model.split(".")
        assert callable(getattr(getattr(cases, module), func))
    assert real.case("wirecard").date.startswith("2020")
    with pytest.raises(InvalidInput) as err:
        real.case("nope")
    assert err.value.field == "key"


def test_terms_and_rules_frames():
    assert list(logistics.terms_frame()["method"]) == list(logistics.DEFAULT_TERMS)
    assert set(social.rules_frame()["rule"]) == set(social.RULES)


def test_growth_money_and_first_loss_month():
    from paylab.cases import failures
    from paylab.money import Money
    g = failures.growth_money(months=[0, 12])
    assert list(g.index) == [0, 12]
    assert isinstance(g.iloc[0]["volume"], Money)
    assert g.loc[12, "profit, no control"].amount < 0
    assert failures.first_loss_month() == 12
    calm = dataclasses.replace(failures.GrowthParams(), attack_growth=0.0)
    assert failures.first_loss_month(calm) is None
    with pytest.raises(InvalidInput) as err:
        failures.growth_money(months=[24])
    assert err.value.field == "months"
    with pytest.raises(InvalidInput):
        failures.growth_money(months=[-1])
