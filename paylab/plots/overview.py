"""Plots of chapters 1 and 2: history timeline, user growth, method comparison, cash curves."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from paylab import methods as M
from paylab.facts import ERAS, MILESTONES, ONLINE_PAYMENT_USERS, Milestone
from paylab.money import Money
from paylab.plots import PALETTE, new_axes, use_style

#: Milestones from this year on are labelled to the left of their dot, so the axis can end
#: at the last milestone instead of leaving room for text past it.
_LABEL_LEFT_FROM = 2012


def timeline(milestones: Iterable[Milestone] = MILESTONES):
    """Dated milestones on one axis, coloured by the stage of section 2.1; the axis ends
    a year after the last milestone (later labels sit left of their dot)."""
    use_style()
    ms = list(milestones)
    fig, ax = plt.subplots(figsize=(9, 5.5))
    colour = {era: PALETTE[i] for i, era in enumerate(ERAS)}
    for i, m in enumerate(ms):
        y = len(ms) - i
        ax.scatter(m.year, y, color=colour[m.era], zorder=3)
        left = m.year >= _LABEL_LEFT_FROM
        ax.annotate(f"{m.date}  {m.event}", (m.year, y), xytext=(-6 if left else 6, 0),
                    textcoords="offset points", va="center", ha="right" if left else "left",
                    fontsize=7.5)
    for era in ERAS:
        ax.scatter([], [], color=colour[era], label=era)
    ax.set_yticks([])
    ax.grid(axis="y", visible=False)
    first = min(int(m.year) for m in ms) if ms else 1998
    last = max(int(m.year) for m in ms) if ms else 2025
    ax.set_xlim(first - 1, last + 1)
    ax.set_xticks(range(first - first % 2, last + 2, 2))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("year")
    ax.set_title("Milestones of e-payment (sources in the table below)")
    ax.legend(loc="lower left", fontsize=8, title="stage")
    return fig


def users_growth():
    """CNNIC online-payment users in China, millions."""
    fig, ax = new_axes("Online-payment users in China (CNNIC reports)", "report date", "users (millions)")
    dates = [u.date for u in ONLINE_PAYMENT_USERS]
    values = [u.millions for u in ONLINE_PAYMENT_USERS]
    ax.plot(dates, values, marker="o")
    for d, v in zip(dates, values, strict=True):
        ax.annotate(str(v), (d, v), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=8)
    ax.set_ylim(0, max(values) * 1.15)
    return fig


def method_comparison(amounts: Iterable[Money], methods: Iterable[str] | None = None):
    """Three panels per method: fee as a share of each payment amount, seconds to confirm,
    and days to settle (all from the illustrative catalogue or the methods given)."""
    use_style()
    ms = [M.get(x) for x in (methods if methods is not None else M.CATALOGUE)]
    amounts = list(amounts)
    fig, axes = plt.subplots(1, 3, figsize=(11, 4.2), sharey=True,
                             gridspec_kw={"width_ratios": [2.2, 1, 1]})
    names = [m.name for m in ms]
    ys = range(len(ms))
    height = 0.8 / len(amounts)
    for j, amount in enumerate(amounts):
        shares = [float(M.fee(m, amount).amount / amount.amount * 100) for m in ms]
        axes[0].barh([y + j * height for y in ys], shares, height=height, label=str(amount),
                     color=PALETTE[j % 8])
    axes[0].set_yticks([y + height * (len(amounts) - 1) / 2 for y in ys], names)
    axes[0].invert_yaxis()
    axes[0].set_xlabel("fee as % of the payment")
    axes[0].legend(title="payment", fontsize=8)
    axes[1].barh(list(ys), [m.confirm_seconds for m in ms], color=PALETTE[2])
    axes[1].set_xscale("log")
    axes[1].set_xlabel("seconds to confirm (log)")
    days = [m.settlement_days for m in ms]
    axes[2].barh(list(ys), days, color=PALETTE[3])
    for y, d in zip(ys, days, strict=True):
        # a T+0 bar has no length: the label says "same day" so the row does not look empty
        axes[2].annotate("T+0, same day" if d == 0 else f"T+{d}", (d, y), xytext=(4, 0),
                         textcoords="offset points", va="center", fontsize=8)
    axes[2].set_xlabel("days to settle (T+n)")
    axes[2].set_xlim(0, max(days, default=0) + 1.5)
    axes[2].set_xticks(range(0, max(days, default=0) + 1))
    fig.suptitle("Payment methods compared (illustrative parameters, not a price list)")
    fig.tight_layout()
    return fig


def cash_curves(daily_sales: Money, days: int, methods: Iterable[str]):
    """Money still owed to the merchant day by day, one line per method."""
    fig, ax = new_axes(f"Money in transit at {daily_sales} of sales a day (illustrative)", "day",
                       f"owed to the merchant ({daily_sales.currency.code})")
    for mid in methods:
        curve = M.cash_curve(mid, daily_sales, days)
        ax.step(curve.index, curve["outstanding"].astype(float), where="post",
                label=f"{M.get(mid).name} ({M.get(mid).settlement})")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="center right", bbox_to_anchor=(1, 0.72))
    return fig


def qr_image(payload: str, title: str = "Merchant QR code"):
    """Render a payload as a QR code (segno builds the symbol; matplotlib draws it)."""
    import segno

    use_style()
    symbol = segno.make(payload, error="m", micro=False)
    fig, ax = plt.subplots(figsize=(3.2, 3.2))
    ax.imshow([[0 if cell else 1 for cell in row] for row in symbol.matrix], cmap="gray",
              interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(f"{title}\n(version {symbol.version}, error level {symbol.error})", fontsize=9)
    return fig
