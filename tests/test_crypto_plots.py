"""paylab.plots.crypto: the ECB figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from paylab.crypto.attacks import make_logo_image
from paylab.errors import InvalidInput
from paylab.plots.crypto import plot_ecb_image


def test_ecb_figure_has_one_panel_per_mode_with_block_counts():
    fig = plot_ecb_image(make_logo_image(), bytes(16), ("plain", "ecb", "ctr", "gcm"))
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 4 and "AES-ECB" in titles[1]
    assert titles[2].endswith("repeated blocks: 0%") and not titles[1].endswith(" 0%")
    assert "synthetic" in fig._suptitle.get_text()
    plt.close(fig)


def test_ecb_figure_rejects_unknown_modes():
    with pytest.raises(InvalidInput) as err:
        plot_ecb_image(make_logo_image(), bytes(16), ("cbc",))
    assert err.value.field == "modes"
    with pytest.raises(InvalidInput):
        plot_ecb_image(make_logo_image(), bytes(16), ())
