"""Plots for the cryptography sections: what ECB leaks and what a good mode hides."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from paylab.crypto.attacks import encrypt_image, repeated_block_share
from paylab.errors import InvalidInput
from paylab.plots import use_style

__all__ = ["plot_ecb_image"]

_TITLES = {"plain": "Plaintext image", "ecb": "AES-ECB (insecure)", "ctr": "AES-CTR",
           "gcm": "AES-GCM"}


def plot_ecb_image(image: np.ndarray, key: bytes, modes: tuple[str, ...] = ("plain", "ecb", "gcm"),
                   *, nonce: bytes = bytes(16)):
    """Show ``image`` and its encryption under each mode side by side (returns the figure).

    Each panel's subtitle gives the share of repeated 16-byte blocks, the
    pattern ECB leaks. The image is synthetic; the fixed nonce is for a
    reproducible picture only.
    """
    if not modes or any(m not in _TITLES for m in modes):
        raise InvalidInput("modes", "some of 'plain', 'ecb', 'ctr', 'gcm'",
                           f"modes must be taken from {sorted(_TITLES)}")
    use_style()
    fig, axes = plt.subplots(1, len(modes), figsize=(3.2 * len(modes), 2.9), layout="constrained")
    axes = np.atleast_1d(axes)
    for ax, mode in zip(axes, modes, strict=True):
        shown = image if mode == "plain" else encrypt_image(image, key, mode, nonce=nonce)
        ax.imshow(shown, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        share = repeated_block_share(shown.tobytes())
        ax.set_title(f"{_TITLES[mode]}\nrepeated blocks: {share:.0%}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.suptitle("Encrypting a synthetic logo pixel by pixel (illustrative)", fontsize=11)
    return fig
