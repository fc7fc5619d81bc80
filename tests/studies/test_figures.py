"""Every report figure reads: no clipped text, distinguishable lines, Monte Carlo error bars.

Each study's figure is rendered again from its ``ncgain reproduce --quick`` dataset (read
back from the netCDF file, as a user would) and checked: every drawn text artist (titles,
axis and tick labels, legends, annotations) has its window extent inside the figure, and in
no axes two of more than one data line share colour, alpha, line style and marker.
"""

import matplotlib
import pytest
import xarray as xr
from matplotlib.figure import Figure

from ncgain.studies import reproduce

from ._figure_checks import clipped_texts, indistinguishable_lines

matplotlib.use("Agg")


@pytest.mark.parametrize("name", reproduce.STUDIES)
def test_report_figure_reads(name, reproduce_quick):
    module = reproduce.load_study(name)
    ds = xr.load_dataset(reproduce_quick / f"{name}.nc")
    fig = module.plot(ds)
    assert fig.get_layout_engine() is not None, f"{name}: no constrained/tight layout"
    assert clipped_texts(fig) == [], name
    assert indistinguishable_lines(fig) == [], name


def test_the_checks_catch_what_they_check():
    # 16 solid curves cycling through 10 colours, and a y label wider than the figure.
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    for j in range(16):
        ax.plot([0, 1], [j, j + 1], color=f"C{j % 10}")
    ax.set_ylabel("a y label far too long to fit beside an axes two inches tall, clipped")
    assert len(indistinguishable_lines(fig)) == 1
    assert any("far too long" in line for line in clipped_texts(fig))


def test_distinct_colours_beyond_ten_curves():
    from ncgain.studies._common import distinct_colours
    from matplotlib.colors import to_hex
    for n in (3, 10, 11, 16, 41):
        assert len({to_hex(c) for c in distinct_colours(n)}) == n


def test_monte_carlo_points_carry_error_bars(reproduce_quick):
    from ncgain.studies import fig5d_bleaching
    ds = xr.load_dataset(reproduce_quick / "fig5d_bleaching.nc")
    se = ds.bleach_mc_se
    assert se.attrs["units"] == "1" and (se > 0).all()
    fig = fig5d_bleaching.plot(ds)
    # One error-bar container per probe and panel, their bars the dataset's 1-sigma errors.
    bars = [c for ax in fig.axes for c in ax.containers if c.has_yerr]
    assert len(bars) == 2 * ds.sizes["probe"]
