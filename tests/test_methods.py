from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paylab import methods as M
from paylab.errors import InvalidInput, NotFound, PaymentDeclined
from paylab.money import Money


def test_catalogue_covers_the_chapter_two_kinds():
    kinds = {m.kind for m in M.CATALOGUE.values()}
    assert {"online_banking", "third_party", "mobile_qr", "mobile_nfc", "prepaid", "ewallet"} <= kinds
    frame = M.as_frame()
    assert list(frame.index) == list(M.CATALOGUE)
    assert {"funds held by", "fee", "per-payment limit", "confirm (s)", "settles", "中文"} <= set(frame.columns)


def test_fee_models():
    assert M.fee("platform_balance", Money("100.00", "CNY")) == Money("0.60", "CNY")
    assert M.fee("online_banking", Money("1.00", "CNY")) == Money("0.10", "CNY")  # minimum applies
    assert M.fee("corporate_banking", Money("1000000.00", "CNY")) == Money("5.00", "CNY")
    assert M.fee("card_cross_border", Money("100.00", "CNY")) == Money("4.90", "CNY")
    assert M.fee("qr_code", Money("0.50", "CNY")) == Money("0.00", "CNY")  # 0.0019 rounds to 0.00
    assert M.net_amount("platform_balance", Money("100.00", "CNY")) == Money("99.40", "CNY")
    capped = M.FeeModel(Decimal("1"), cap=Decimal("2"))
    assert capped.of(Money("1000", "CNY")) == Money("2.00", "CNY")
    assert capped.describe() == "1%, cap 2"


def test_domestic_card_fee_on_268():
    # a card issued in China paying a Hangzhou shop: the domestic rate, 0.60 % (illustrative)
    amount = Money("268.00", "CNY")
    assert M.card_method("CNY", "CNY") == "card_domestic"
    assert M.fee(M.card_method("CNY", "CNY"), amount) == Money("1.61", "CNY")  # 1.608 rounds half up
    assert M.CATALOGUE["card_domestic"].name_zh == "银行卡快捷支付"


def test_cross_border_sale_keeps_the_cross_border_rate():
    amount = Money("268.00", "CNY")
    assert M.card_method("CNY", cross_border=True) == "card_cross_border"
    assert M.card_method("CNY", "USD") == "card_cross_border"  # a foreign card
    assert M.fee(M.card_method("CNY", "USD"), amount) == Money("9.77", "CNY")  # 2.9 % + CNY 2
    assert M.fee("card_domestic", amount) < M.fee("card_cross_border", amount)


@pytest.mark.parametrize("kwargs,field", [({"merchant_currency": "yuan"}, "merchant_currency"),
                                          ({"card_currency": 156}, "card_currency"),
                                          ({"cross_border": "yes"}, "cross_border")])
def test_card_method_bad_input(kwargs, field):
    with pytest.raises(InvalidInput) as e:
        M.card_method(**kwargs)
    assert e.value.field == field


def test_gateway_prices_cards_as_domestic_unless_cross_border():
    from paylab.clock import FixedClock
    from paylab.flow import Gateway
    from paylab.flow.bank import source_method

    gw = Gateway(clock=FixedClock(1_767_225_600))
    gw.add_merchant("tea_shop")
    gw.add_customer("alice")
    home = gw.add_funding_source("alice", "card", credit_limit=Money("8000.00", "CNY"))
    abroad = gw.add_funding_source("alice", "card", credit_limit=Money("8000.00", "CNY"),
                                   method=source_method("card", cross_border=True))
    assert gw.pay("tea_shop", Money("268.00", "CNY"), home).fee_minor == 161
    assert gw.pay("tea_shop", Money("268.00", "CNY"), abroad).fee_minor == 977
    assert source_method("wallet") == "platform_balance"
    with pytest.raises(InvalidInput) as e:
        source_method("cash")
    assert e.value.field == "kind"


def test_fee_half_up_rounding():
    assert M.FeeModel(Decimal("0.5")).of(Money("1.00", "CNY")) == Money("0.01", "CNY")  # 0.005 -> 0.01


@pytest.mark.parametrize("kwargs", [{"percent": "-1"}, {"percent": "100"}, {"minimum": "5", "cap": "1"},
                                    {"fixed": 0.3}])
def test_bad_fee_models(kwargs):
    with pytest.raises(InvalidInput):
        M.FeeModel(**kwargs)


def test_bad_method_definitions():
    base = M.CATALOGUE["qr_code"]
    import dataclasses
    for change in ({"kind": "cash"}, {"funding": "gold"}, {"settlement_days": -1}, {"confirm_seconds": -2}):
        with pytest.raises(InvalidInput):
            dataclasses.replace(base, **change)


def test_unknown_method():
    with pytest.raises(NotFound) as err:
        M.get("bitcoin")
    assert err.value.field == "method"


def test_limits():
    M.check_limits("nfc_contactless", Money("999.00", "CNY"))
    with pytest.raises(PaymentDeclined) as err:
        M.check_limits("nfc_contactless", Money("1000.01", "CNY"))
    assert err.value.code == "limit_exceeded" and err.value.rule == "per_txn_limit"
    with pytest.raises(PaymentDeclined) as err:
        M.check_limits("nfc_contactless", Money("900.00", "CNY"), spent_today=Money("4500.00", "CNY"))
    assert err.value.rule == "daily_limit"
    with pytest.raises(InvalidInput):
        M.check_limits("qr_code", Money("0", "CNY"))


def test_cost_table_shape():
    t = M.cost_table([Money("10.00", "CNY"), Money("1000.00", "CNY")], ["qr_code", "card_cross_border"])
    assert t.shape == (2, 2) and t.loc["CNY 1,000.00", "qr_code"] == Money("3.80", "CNY")


def test_cash_curve_and_float_cost():
    curve = M.cash_curve("card_cross_border", Money("10000.00", "CNY"), 5)
    net = Decimal("9708.00")
    assert list(curve["received"]) == [0, 0, net, 2 * net, 3 * net]
    assert set(curve["outstanding"].iloc[1:]) == {2 * net}
    assert M.float_cost("card_cross_border", Money("10000.00", "CNY"), "0.05") == Money("970.80", "CNY")
    assert M.float_cost("ewallet", Money("10000.00", "CNY"), "0.05") == Money("0.00", "CNY")  # T+0
    with pytest.raises(InvalidInput):
        M.cash_curve("qr_code", Money("1", "CNY"), 0)
    with pytest.raises(InvalidInput):
        M.float_cost("qr_code", Money("1", "CNY"), "-0.1")


@given(units=st.integers(0, 10**10), method=st.sampled_from(sorted(M.CATALOGUE)))
def test_fee_never_negative_and_net_plus_fee_is_amount(units, method):
    amount = Money.from_minor(units, "CNY")
    f = M.fee(method, amount)
    assert f.amount >= 0
    assert M.net_amount(method, amount) + f == amount
