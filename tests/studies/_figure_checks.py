"""Checks that a report figure reads: no clipped text, distinguishable lines per axes."""

from __future__ import annotations

import numpy as np


def _drawn_tick_labels(ax):
    """The tick labels of ``ax`` that are drawn (ticks inside the view interval)."""
    out = []
    for axis, index in ((ax.xaxis, 0), (ax.yaxis, 1)):
        scale = axis.get_transform()    # linear, log, ...: compare in the scaled coordinate
        lo, hi = sorted(scale.transform(np.asarray(axis.get_view_interval(), float)))
        span = (hi - lo) * 1e-9
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            loc = tick.get_loc()
            if loc is None:
                continue
            where = float(scale.transform(np.array([loc], float))[0])
            if not (np.isfinite(where) and lo - span <= where <= hi + span):
                continue
            out.extend(t for t in (tick.label1, tick.label2) if t.get_visible())
    return out


def drawn_texts(fig):
    """Every text the figure draws: titles, axis and tick labels, legends, annotations."""
    texts = list(fig.texts)
    if fig._suptitle is not None:
        texts.append(fig._suptitle)
    for legend in fig.legends:
        texts.extend(legend.get_texts() + [legend.get_title()])
    for ax in fig.axes:
        texts.extend([ax.title, ax._left_title, ax._right_title, ax.xaxis.label,
                      ax.yaxis.label, ax.xaxis.offsetText, ax.yaxis.offsetText, *ax.texts])
        texts.extend(_drawn_tick_labels(ax))
        legend = ax.get_legend()
        if legend is not None:
            texts.extend(legend.get_texts() + [legend.get_title()])
    return [t for t in texts if t.get_visible() and str(t.get_text()).strip()]


def clipped_texts(fig) -> list[str]:
    """Drawn texts whose window extent leaves the figure (one line per text)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    canvas = FigureCanvasAgg(fig)   # the report's figures are not attached to pyplot
    canvas.draw()                   # constrained layout runs at draw time
    renderer = canvas.get_renderer()
    box = fig.bbox
    tol = 0.5   # pixels: rounding of the layout
    bad = []
    for text in drawn_texts(fig):
        ext = text.get_window_extent(renderer)
        if (ext.x0 < box.x0 - tol or ext.y0 < box.y0 - tol or ext.x1 > box.x1 + tol
                or ext.y1 > box.y1 + tol):
            bad.append(f"{text.get_text()!r} at {np.round(ext.extents, 1).tolist()} outside "
                       f"{np.round(box.extents, 1).tolist()}")
    return bad


def indistinguishable_lines(fig) -> list[str]:
    """Axes in which two drawn lines share colour, line style and marker (> 1 line).

    A fit drawn dashed in its data's colour is distinguishable; sixteen solid curves
    cycling through ten colours are not.
    """
    from matplotlib.colors import to_hex
    bad = []
    for i, ax in enumerate(fig.axes):
        # Data lines only: axhline/axvline markers live in blended axes coordinates, and
        # the caps of an error bar belong to its points.
        caps = {id(c) for cont in ax.containers if hasattr(cont, "has_yerr")
                for c in cont.lines[1]}
        lines = [ln for ln in ax.get_lines() if ln.get_visible() and len(ln.get_xdata()) > 1
                 and ln.get_transform() == ax.transData and id(ln) not in caps]
        if len(lines) <= 1:
            continue
        seen = {}
        for ln in lines:
            key = (to_hex(ln.get_color()), ln.get_alpha(), ln.get_linestyle(),
                   str(ln.get_marker()))
            seen.setdefault(key, []).append(ln.get_label())
        dup = {k: v for k, v in seen.items() if len(v) > 1}
        if dup:
            bad.append(f"axes {i} ({ax.get_title()!r}): {dup}")
    return bad
