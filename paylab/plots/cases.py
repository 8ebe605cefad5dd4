"""Plots of chapter 6 (case analysis): one figure per case model of :mod:`paylab.cases`.

Every figure says in its title that the parameters are illustrative.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd

from paylab.cases import checkout, credit, disputes, escrow_trust, failures, logistics, social, wallet_yield
from paylab.money import Money
from paylab.plots import PALETTE, new_axes, use_style
from paylab.validation import NonEmpty, Seed

__all__ = ["escrow_volume", "fraud_sweep_plot", "auto_confirm_plot", "apr_plot", "minimum_payment_plot", "yield_plot",
           "cash_curve_plot", "dispute_cost_plot", "funnel_plot", "friction_plot", "coupon_plot",
           "breach_plot", "growth_plot", "experience_plot", "compliance_plot"]

_ILL = "(illustrative parameters)"


def _money(series: pd.Series) -> list[float]:
    return [float(m.amount) for m in series]


def escrow_volume(params: escrow_trust.EscrowParams | None = None, *, rounds: int = 12,
                  seed: Seed = 0):
    """Trades per round under each escrow policy (buyers learn the loss rate)."""
    params = params if params is not None else escrow_trust.EscrowParams()
    fig, ax = new_axes(f"Trades with strangers per round {_ILL}", "round", "trades")
    for i, pol in enumerate(escrow_trust.POLICIES):
        out = escrow_trust.simulate_market(params, pol, rounds=rounds, seed=seed)
        ax.plot(range(1, rounds + 1), out.trades_per_round, marker="o", color=PALETTE[i],
                label=f"{pol}: loss rate {out.loss_rate:.2%}")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def fraud_sweep_plot(params: escrow_trust.EscrowParams | None = None, fraud_rates=None, *, seed: Seed = 0):
    """Trades over a year of rounds as the share of cheating sellers rises, per policy."""
    t = escrow_trust.fraud_sweep(params or escrow_trust.EscrowParams(), fraud_rates, seed=seed)
    fig, ax = new_axes(f"Fraud pressure and trade volume {_ILL}", "share of sellers who would cheat",
                       "trades over 12 rounds")
    for i, pol in enumerate(escrow_trust.POLICIES):
        ax.plot(t.index, t[pol], marker="o", color=PALETTE[i], label=pol)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="lower left")
    return fig


def auto_confirm_plot(params: escrow_trust.EscrowParams | None = None, days=range(1, 31)):
    """Buyer's loss when cheated vs the seller's days to cash, as the auto-confirm period grows."""
    params = params if params is not None else escrow_trust.EscrowParams()
    t = escrow_trust.auto_confirm_tradeoff(params, days)
    fig, ax = new_axes(f"Choosing the auto-confirm period {_ILL}", "auto-confirm period (days)",
                       "share of price lost when cheated")
    ax.plot(t.index, t["loss_given_fraud"], color=PALETTE[3], label="buyer loss given fraud")
    ax2 = ax.twinx()
    ax2.plot(t.index, t["seller_days_to_cash"], color=PALETTE[0], ls="--", label="seller days to cash")
    ax2.set_ylabel("honest seller: mean days to cash")
    ax2.grid(False)
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize=8, loc="center right")
    return fig


def apr_plot(principal: Money | None = None, n: int = 12, rates: Sequence | None = None):
    """Quoted flat rate vs true APR (nominal and effective) for monthly fees on the original principal."""
    principal = principal if principal is not None else Money("1200", "CNY")
    from decimal import Decimal

    rates = rates or [Decimal(k) / 10000 for k in range(20, 101, 5)]
    rows = [credit.instalment_apr(principal, n, r) for r in rates]
    x = [float(r) * 100 for r in rates]
    fig, ax = new_axes(f"Instalment fee vs true annual rate, {n} months {_ILL}", "monthly fee on the principal (%)",
                       "annual rate (%)")
    ax.plot(x, [float(a.flat_rate) * 100 for a in rows], label="flat rate quoted (12 × fee)", color=PALETTE[1])
    ax.plot(x, [float(a.nominal_apr) * 100 for a in rows], label="APR (IRR × 12)", color=PALETTE[0])
    ax.plot(x, [float(a.effective_annual) * 100 for a in rows], label="effective annual rate", color=PALETTE[3],
            ls="--")
    ax.legend(fontsize=8)
    return fig


def minimum_payment_plot(balance: Money | None = None, params: credit.RevolvingParams | None = None):
    """Balance carried month by month when only the minimum is paid."""
    balance = balance if balance is not None else Money("3000", "CNY")
    plan = credit.minimum_payment_plan(balance, params or credit.RevolvingParams())
    fig, ax = new_axes(f"Paying only the minimum on {balance} {_ILL}", "month",
                       f"balance carried ({balance.currency.code})")
    ax.plot(plan["month"], _money(plan["carried"]), color=PALETTE[0])
    total = sum(plan["interest"], Money.zero(balance.currency))
    ax.text(0.98, 0.9, f"{len(plan)} months, interest {total}", transform=ax.transAxes, ha="right", fontsize=9)
    return fig


def yield_plot(series=None, *, days: int = 56, seed: Seed = 0):
    """Daily income per 10,000 units (bars) and the seven-day annualised yield (line)."""
    series = series if series is not None else wallet_yield.synthetic_income_series(days, seed=seed)
    seven = wallet_yield.seven_day_series(series)
    fig, ax = new_axes(f"Money-market wallet: synthetic daily series {_ILL}", "day",
                       "income per 10,000 units (CNY)")
    ax.bar(range(1, len(series) + 1), [float(x) for x in series], color=PALETTE[5], label="income per 10,000 units")
    ax2 = ax.twinx()
    xs = [i + 1 for i, y in enumerate(seven) if y is not None]
    ax2.plot(xs, [float(y) * 100 for y in seven if y is not None], color=PALETTE[3], label="seven-day yield")
    ax2.set_ylabel("seven-day annualised yield (%)")
    ax2.grid(False)
    ax2.set_ylim(bottom=0)
    handles = [*ax.get_legend_handles_labels()[0], *ax2.get_legend_handles_labels()[0]]
    ax.legend(handles, [h.get_label() for h in handles], fontsize=8, loc="lower left")
    return fig


def cash_curve_plot(params: logistics.LogisticsParams | None = None, days: int = 30):
    """Cumulative cash received by the merchant per fulfilment method."""
    params = params if params is not None else logistics.LogisticsParams()
    c = logistics.cash_curve(params, days)
    fig, ax = new_axes(f"Merchant's cash in, orders over {days} days {_ILL}", "day",
                       f"cash received ({params.currency}, thousands)")
    exp = Money.zero(params.currency).currency.exponent
    for i, m in enumerate(logistics.METHODS):
        ax.plot(c.index, c[m] / 10 ** exp / 1000, color=PALETTE[i], label=m)
    ax.legend(fontsize=8)
    return fig


def dispute_cost_plot(params: disputes.DisputeParams | None = None,
                      win_rates: NonEmpty[Sequence[float]] | None = None):
    """Merchant's dispute cost per order for each policy as the contest win rate changes."""
    params = params if params is not None else disputes.DisputeParams()
    from dataclasses import replace

    win_rates = win_rates or [i / 20 for i in range(0, 21)]
    fig, ax = new_axes(f"Dispute cost per order {_ILL}", "contest win rate",
                       f"cost per order ({params.currency})")
    for i, pol in enumerate(disputes.POLICIES):
        ys = [float(disputes.cost_per_order(replace(params, win_rate=w), pol).amount) for w in win_rates]
        ax.plot(win_rates, ys, color=PALETTE[i], label=pol)
    ax.legend(fontsize=8)
    return fig


def funnel_plot(presets: dict[str, checkout.CheckoutParams] | None = None):
    """Where genuine buyers are lost, per checkout design: in the steps, at the challenge, or completed."""
    presets = presets or checkout.PRESETS
    use_style()
    fig, ax = plt.subplots(figsize=(8, 2.8))
    for i, p in enumerate(presets.values()):
        f = checkout.funnel(p)["remaining"]
        after_steps = float(f.iloc[-2])
        done = float(f.iloc[-1])
        parts = [(done, PALETTE[2], "completed"), (after_steps - done, PALETTE[1], "lost at the challenge"),
                 (1 - after_steps, PALETTE[3], "lost in the steps")]
        left = 0.0
        for width, colour, label in parts:
            ax.barh(i, width, left=left, color=colour, label=label if i == 0 else None)
            left += width
        ax.text(0.01, i, f"{done:.1%}", va="center", fontsize=8, color="white")
    ax.set_yticks(range(len(presets)))
    ax.set_yticklabels(list(presets), fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of genuine buyers who start the checkout")
    ax.set_title(f"Checkout funnels {_ILL}")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3)
    return fig


def friction_plot(params: checkout.CheckoutParams | None = None, thresholds=None,
                  separation: float = 2.0):
    """Conversion vs share of fraud let through as a risk threshold moves."""
    params = params if params is not None else checkout.CheckoutParams()
    thresholds = thresholds or [x / 4 for x in range(-8, 17)]
    t = checkout.threshold_sweep(params, thresholds, separation=separation)
    fig, ax = new_axes(f"Friction vs fraud: moving the challenge threshold {_ILL}",
                       "share of fraud let through", "conversion of genuine buyers")
    ax.plot(t["fraud_pass_rate"], t["conversion"], marker=".", color=PALETTE[0])
    for th in (0.0, 1.0, 2.0, 3.0):
        if th in t.index:
            ax.annotate(f"threshold {th:g}", (t.loc[th, "fraud_pass_rate"], t.loc[th, "conversion"]),
                        xytext=(5, -12), textcoords="offset points", fontsize=8)
    return fig


def coupon_plot(params: social.CampaignParams | None = None, rule_sets=None, *, seed: Seed = 0):
    """Coupon money paid to real and to fake accounts under each set of risk rules."""
    params = params if params is not None else social.CampaignParams()
    t = social.compare_rule_sets(params, rule_sets, seed=seed)
    use_style()
    fig, ax = plt.subplots(figsize=(8, 4))
    x = range(len(t))
    real = t["real_acquired"] * params.coupon_minor / 100 / 1000
    fake = t["fake_paid"] * params.coupon_minor / 100 / 1000
    ax.bar(x, real, color=PALETTE[2], label="coupons to real new users")
    ax.bar(x, fake, bottom=real, color=PALETTE[3], label="coupons to fake accounts")
    ax.set_xticks(list(x))
    ax.set_xticklabels(t.index, fontsize=8, rotation=15)
    ax.set_ylabel(f"coupon budget spent ({params.currency}, thousands)")
    ax.set_title(f"New-user coupons and fake accounts {_ILL}")
    ax.legend(fontsize=8)
    return fig


def breach_plot(params: failures.BreachParams | None = None, *, seed: Seed = 0):
    """Cumulative fraud loss after a breach, with and without tokenization and step-up."""
    params = params if params is not None else failures.BreachParams()
    fig, ax = new_axes(f"Breach replay: cumulative fraud loss {_ILL}", "days after the leak",
                       f"cumulative loss ({params.currency}, millions)")
    for i, (tok, su) in enumerate([(False, False), (False, True), (True, False), (True, True)]):
        d = failures.breach_replay(params, tokenization=tok, step_up=su, seed=seed)
        label = "none" if not (tok or su) else " + ".join(n for n, f in (("tokenization", tok), ("step-up", su)) if f)
        ax.plot(d.index, d["cumulative_minor"] / 100 / 1e6, color=PALETTE[i], label=label)
    ax.axvline(params.detection_day, color="grey", ls=":", label="breach detected")
    ax.legend(fontsize=8)
    return fig


def growth_plot(params: failures.GrowthParams | None = None):
    """Monthly profit with and without risk control as volume grows."""
    params = params if params is not None else failures.GrowthParams()
    g = failures.growth_without_risk_control(params)
    fig, ax = new_axes(f"Growth without risk control {_ILL}", "month",
                       f"monthly profit ({params.currency}, millions)")
    ax.plot(g.index, g["profit_uncontrolled_minor"] / 100 / 1e6, color=PALETTE[3], label="no risk control")
    ax.plot(g.index, g["profit_controlled_minor"] / 100 / 1e6, color=PALETTE[2], label="with risk control")
    ax.axhline(0, color="black", lw=0.8)
    ax.legend(fontsize=8)
    return fig


def experience_plot(params: failures.ExperienceParams | None = None, failure_rates=None):
    """Orders lost in a month and buyers lost for good as the payment failure rate rises."""
    params = params if params is not None else failures.ExperienceParams()
    t = failures.experience_sweep(params, failure_rates)
    fig, ax = new_axes(f"Poor experience: payment failures and abandonment {_ILL}", "payment failure rate",
                       "buyers (per month)")
    ax.plot(t.index, t["orders_lost"], color=PALETTE[3], marker="o", label="orders lost this month")
    ax.plot(t.index, t["buyers_churned"], color=PALETTE[4], marker="s", label="buyers lost for good")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    return fig


def compliance_plot(params: failures.ComplianceParams | None = None):
    """Expected yearly cost of skipping compliance vs running a programme, by inspection probability."""
    params = params if params is not None else failures.ComplianceParams()
    t = failures.compare_compliance(params)
    fig, ax = new_axes(f"Compliance as a cost {_ILL}", "probability of an inspection in a year",
                       f"expected yearly cost ({params.currency}, millions)")
    ax.plot(t.index, [float(m.amount) / 1e6 for m in t["skip_compliance"]], color=PALETTE[3], label="skip compliance")
    ax.plot(t.index, [float(m.amount) / 1e6 for m in t["compliance_programme"]], color=PALETTE[2],
            label="compliance programme")
    ax.legend(fontsize=8)
    return fig
