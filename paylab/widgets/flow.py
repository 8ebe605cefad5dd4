"""A checkout playground: choose how the buyer pays and see the payment's states and six steps."""

from __future__ import annotations

import html

import ipywidgets as widgets

from paylab.flow.simulate import demo_checkout
from paylab.money import Money

__all__ = ["checkout_html", "checkout_playground"]


def checkout_html(kind: str, amount_yuan: int, capture: str, escrow: bool, passes_challenge: bool) -> str:
    """The outcome of :func:`paylab.flow.simulate.demo_checkout` as HTML: status, reason and trace."""
    gw, pi = demo_checkout(kind, Money(amount_yuan, "CNY"), capture=capture, escrow=escrow,
                           passes_challenge=passes_challenge)
    err = pi.last_payment_error
    head = (f"<p><b>{html.escape(pi.id)}</b>: {html.escape(pi.status)} · trade status "
            f"{html.escape(pi.trade_status)} · method {html.escape(str(pi.method_id))}"
            + (f" · declined: <b>{html.escape(err['code'])}</b>" if err else "")
            + f" · fee {pi.fee_minor} fen</p>"
            f"<p>states: {html.escape(' → '.join(s for _, s in pi.history))}</p>")
    return (head + gw.trace_table(pi.id).to_html() +
            "<p><i>Synthetic buyer with CNY 3,000 of balance or credit; illustrative fees and limits.</i></p>")


def checkout_playground() -> widgets.VBox:
    """Controls for the funding source, amount, capture, escrow and the step-up answer;
    shows the default checkout at once."""
    kind = widgets.Dropdown(options=["card", "wallet", "bank_account", "prepaid"], value="card",
                            description="pay with")
    amount = widgets.IntSlider(value=268, min=1, max=6000, step=1, description="CNY",
                               continuous_update=False)
    capture = widgets.ToggleButtons(options=["automatic", "manual"], value="automatic", description="capture")
    escrow = widgets.Checkbox(value=False, description="escrow")
    passes = widgets.Checkbox(value=True, description="buyer passes step-up")
    out = widgets.HTML()

    def refresh(_change=None) -> None:
        out.value = checkout_html(kind.value, amount.value, capture.value, escrow.value, passes.value)

    for w in (kind, amount, capture, escrow, passes):
        w.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox([kind, amount]), widgets.HBox([capture, escrow, passes]), out])
