"""The look shared by every figure: sized for a projector, saved deterministically.

A standard figure is 12.8 × 7.2 inches saved at 100 dpi: exactly 1280 × 720 pixels, so a slide
or a projector shows it at its own size and its text stays at least 12 points. Figures are drawn
on their own Agg canvas (no pyplot, no global backend) and saved atomically with a fixed SVG hash
salt and no dates in the metadata, so the same frames always give the same files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

from sim.core.atomic_files import atomic_path

__all__ = [
    "DPI",
    "PROJECTOR",
    "STYLE",
    "SYSTEM_COLORS",
    "new_figure",
    "save_figure",
    "variant_colors",
]

DPI = 100
PROJECTOR = (12.8, 7.2)  # inches: 1280 × 720 pixels at DPI

STYLE: dict[Any, Any] = {  # matplotlib rcParams (keys typed as literals by matplotlib)
    "svg.hashsalt": "debtsim",
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "figure.titlesize": 16,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}

# Systems are told apart by their panels' titles in these colours (variants use tab10).
SYSTEM_COLORS = ("#1b4f72", "#7b241c", "#186a3b", "#6c3483", "#7e5109", "#212f3d")


def variant_colors() -> Colormap:
    """The colours of variants, in their order: baseline first."""
    return matplotlib.colormaps["tab10"]


def new_figure(width: float = PROJECTOR[0], height: float = PROJECTOR[1]) -> Figure:
    """A figure on its own Agg canvas: no pyplot, no global backend, nothing to close."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, folder: str | Path, stem: str) -> list[Path]:
    """Save ``fig`` as PNG and SVG atomically; returns the paths written."""
    folder = Path(folder)
    written = []
    with matplotlib.rc_context(STYLE):
        for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            final = folder / f"{stem}.{ext}"
            with atomic_path(final) as tmp:
                fig.savefig(tmp, format=ext, dpi=DPI, metadata=meta)
            written.append(final)
    return written
