import re
from pathlib import Path

import matplotlib

from paylab.facts import MILESTONES, ONLINE_PAYMENT_USERS, milestones_frame, users_frame
from paylab.money import Money
from paylab.plots import CJK_FALLBACK, use_style
from paylab.plots import overview as O

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parent.parent


def _bib_keys() -> set[str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    text += "".join(p.read_text(encoding="utf-8") for p in (ROOT / "bib").glob("*.bib"))
    return set(re.findall(r"@\w+\{([^,\s]+),", text))


def test_every_fact_cites_a_bibliography_entry():
    keys = _bib_keys()
    for item in (*MILESTONES, *ONLINE_PAYMENT_USERS):
        assert item.source in keys, f"{item} cites unknown key {item.source}"


def test_facts_are_in_date_order():
    assert [m.date for m in MILESTONES] == sorted(m.date for m in MILESTONES)
    assert [u.date for u in ONLINE_PAYMENT_USERS] == sorted(u.date for u in ONLINE_PAYMENT_USERS)
    assert len(milestones_frame()) == len(MILESTONES) and "source" in users_frame().columns
    assert all(1999 <= m.year < 2025 for m in MILESTONES)


def test_style_uses_only_installed_cjk_fonts():
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = use_style()
    assert families[0] == "DejaVu Sans"
    assert all(f in installed and f in CJK_FALLBACK for f in families[1:])


def test_overview_plots_build():
    figs = [O.timeline(), O.users_growth(), O.method_comparison([Money("20", "CNY")]),
            O.cash_curves(Money("100", "CNY"), 5, ["qr_code"]), O.qr_image("HELLO")]
    for fig in figs:
        assert fig.axes and (fig.axes[0].get_title() or fig._suptitle is not None)


def test_user_counts_print_no_placeholder_for_an_unconfirmed_share():
    counts, shares = users_frame(), users_frame(with_share=True)
    assert len(counts) == len(ONLINE_PAYMENT_USERS) and "share of internet users" not in counts.columns
    assert len(shares) == sum(u.share_of_internet_users is not None for u in ONLINE_PAYMENT_USERS)
    assert shares["share of internet users"].str.fullmatch(r"\d+\.\d%").all()
    assert all(u.report for u in ONLINE_PAYMENT_USERS)


def test_timeline_ends_after_the_last_milestone_and_same_day_settlement_is_labelled():
    lo, hi = O.timeline().axes[0].get_xlim()
    assert lo < min(m.year for m in MILESTONES) and max(m.year for m in MILESTONES) < hi <= 2026
    panel = O.method_comparison([Money("20", "CNY")], ["ewallet", "qr_code"]).axes[2]
    assert [t.get_text() for t in panel.texts] == ["T+0, same day", "T+1"]
