"""Numba kernels of the photon-field Monte Carlo (cavity): physics-free array loops.

Per NC the kernels keep five plain arrays (22 bytes per NC): the size class
(uint8), the exciton number n (uint8), the emission energy E_i (float64), the
modified-next-reaction clock (float64: the integrated hazard left until the
next event, an Exp(1) draw) and the counter of its random stream (uint32).
Random numbers come from the same counter-based SplitMix64 streams as the
pure-decay kernel (:mod:`ncgain.kinetics._kernels`): draw k of NC i is a pure function of
(seed, i, k). Draws 0, 1, 2 of NC i are its class, the uniform u_E of its
energy (E_i = E_c + w_c Phi^-1(u_E)/sqrt(2), computed by the caller) and its
initial exciton number, exactly as in the pure-decay kernel, so with the field
switched off a NC follows the same trajectory as in ``simulate_pulsed``.

Within a step of length dt the field is fixed; each NC's events are exact
(piecewise-constant rates, an Exp(1) clock integrated against the total rate).
The total rate of a NC is one linear interpolation in a per-(class, n) table
over E_i (:func:`_fold_rates`, built once per step by
:class:`._rates.StimulatedRates`), so a step without an event costs a
table lookup, a multiply, a subtract and a compare; the events themselves run
in :func:`_nc_events`. Outputs per step are integer counts (events per type,
photons per channel, and the change of the histogram of (class, n, energy
bin): -1/+1 for each NC whose n changed) accumulated per part and summed by
the caller: integer sums are exact and associative, and the parts are fixed
slices of the NC block, so one seed gives bit-identical results for any
number of threads or parts.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .._kernels import _search_cdf, _stream_key, _uniform

#: Event types counted by :func:`_field_step` (columns of ``n_events``).
EVENT_TYPES = ("pump", "stimulated_absorption", "stimulated_emission", "spontaneous_field",
               "decay_other")

_SQRT_PI = np.sqrt(np.pi)


@njit(cache=True, inline="always")
def _line(d, width, code, cell):
    """Unit-area homogeneous line at offset d (eV): Gaussian 1/e or Lorentzian HWHM width.

    ``code`` (see ``_coupling.LINE_CODES``): 0 Gaussian, 1 Lorentzian sampled at d;
    2 Gaussian, 3 Lorentzian averaged over [d - cell, d + cell] (the box 1/(2 cell)
    for width 0, a delta line).
    """
    if code == 1:
        return (width / np.pi) / (d * d + width * width)
    if code >= 2:
        if width == 0.0:
            if d + cell > 0.0 and d - cell < 0.0:
                return 0.5 / cell
            if d + cell == 0.0 or d - cell == 0.0:
                return 0.25 / cell
            return 0.0
        if code == 3:
            return (math.atan((d + cell) / width) - math.atan((d - cell) / width)) \
                / (np.pi * 2.0 * cell)
        return 0.5 * (math.erf((d + cell) / width) - math.erf((d - cell) / width)) / (2.0 * cell)
    x = d / width
    return np.exp(-x * x) / (_SQRT_PI * width)


@njit(cache=True, inline="always")
def _interp(table, x0, inv_dx, x):
    """Linear interpolation of ``table`` (grid x0 + j/inv_dx); 0 outside the grid."""
    f = (x - x0) * inv_dx
    if f < 0.0:
        return 0.0
    j = int(f)
    if j >= table.shape[0] - 1:
        return 0.0
    w = f - j
    return table[j] + w * (table[j + 1] - table[j])


@njit(parallel=True, cache=True)
def _field_init(key_base, n_nc, class_cdf, initial_cdf, nc_class, nc_n, nc_u, nc_clock,
                nc_counter, n_overflow):
    """Draw class, energy uniform, initial n and first clock of NCs 0 ... n_nc-1."""
    key_base = np.uint64(key_base)
    n_parts = n_overflow.shape[0]
    n_classes = class_cdf.shape[0]
    n_states = initial_cdf.shape[1]
    for part in prange(n_parts):
        lo = (n_nc * part) // n_parts
        hi = (n_nc * (part + 1)) // n_parts
        over = 0
        for i in range(lo, hi):
            key = _stream_key(key_base, i)
            c = 0
            if n_classes > 1:
                c = min(_search_cdf(class_cdf, _uniform(key, 0)), n_classes - 1)
            nc_u[i] = _uniform(key, 1)
            n = _search_cdf(initial_cdf[c], _uniform(key, 2))
            if n >= n_states:
                over += 1
                n = n_states - 1
            nc_class[i] = c
            nc_n[i] = n
            nc_clock[i] = -np.log(_uniform(key, 3))
            nc_counter[i] = 4
        n_overflow[part] = over


@njit(cache=True)
def _add_gaussian(buf, ch_e0, ch_step, center, amplitude, width):
    """buf[k] += amplitude h(E_k - center), E_k = ch_e0 + k ch_step, h a Gaussian (1/e width).

    Recurrence from the channel nearest the centre outwards: with a_k the
    offset in widths and b = ch_step / width, h_{k+1} / h_k = exp(-(2 a_k b + b^2))
    and each ratio is the previous one times exp(-2 b^2): two exponentials per
    line instead of one per channel. Every ratio away from the centre is <= 1,
    so nothing overflows; far tails may underflow to 0 (true values < 1e-300).
    """
    n_ch = buf.shape[0]
    kc = int(np.floor((center - ch_e0) / ch_step + 0.5))
    kc = min(max(kc, 0), n_ch - 1)
    inv = 1.0 / width
    a = (ch_e0 + kc * ch_step - center) * inv
    b = ch_step * inv
    g = amplitude / (_SQRT_PI * width) * np.exp(-a * a)
    buf[kc] += g
    q = np.exp(-2.0 * b * b)
    r = np.exp(-(2.0 * a * b + b * b))
    gk = g
    for k in range(kc + 1, n_ch):
        gk *= r
        r *= q
        buf[k] += gk
    r = np.exp(2.0 * a * b - b * b)
    gk = g
    for k in range(kc - 1, -1, -1):
        gk *= r
        r *= q
        buf[k] += gk


@njit(cache=True)
def _pick_channel(u, energy, offsets, strengths, ch_energy, ch_weight, width, line_code, buf,
                  ch_step):
    """Channel chosen with probability proportional to sum_l s_l h(E_ch - E - off_l) w_ch.

    ``buf`` (as long as the channel grid) holds the line shapes. For a
    Gaussian line on a uniform channel grid (``ch_step`` > 0, the spacing) the
    line shape comes from the recurrence of :func:`_add_gaussian`; otherwise
    (``ch_step`` <= 0 or a Lorentzian) it is evaluated at every channel.
    """
    n_ch = ch_energy.shape[0]
    for k in range(n_ch):
        buf[k] = 0.0
    for l in range(offsets.shape[0]):
        s = strengths[l]
        if s > 0.0:
            if ch_step > 0.0 and line_code == 0:
                _add_gaussian(buf, ch_energy[0], ch_step, energy + offsets[l], s, width)
            else:
                for k in range(n_ch):
                    buf[k] += s * _line(ch_energy[k] - energy - offsets[l], width, line_code,
                                        0.5 * ch_step)
    total = 0.0
    for k in range(n_ch):
        total += buf[k] * ch_weight[k]
    target = u * total
    acc = 0.0          # the same partial sums in the same order: acc ends at total
    last = -1
    for k in range(n_ch):
        a = buf[k] * ch_weight[k]
        if a > 0.0:
            last = k
        acc += a
        if target < acc:
            return k
    return last


@njit(cache=True)
def _fold_rates(rate_table, x0, inv_dx, strength, offset, e0, out):
    """out[c, n, j] = sum_l strength[c, n, l] T_c(e0 + j dx + offset[c, n, l]), dx = 1 / inv_dx.

    T_c is ``rate_table[c]`` interpolated linearly on the grid x0 + m dx (0
    outside it): ``out[c, n]`` is the stimulated rate of a NC of class c in
    state n as a function of its emission energy, tabulated on the E_i grid
    e0 + j dx (same spacing), with the sum over the state's lines done once
    per step instead of once per NC. With equal spacings every node of a line
    has the same interpolation weight, so the fold is a shifted weighted sum.
    """
    n_classes, n_states, n_lines = strength.shape
    n_x = out.shape[2]
    n_t = rate_table.shape[1]
    for c in range(n_classes):
        tab = rate_table[c]
        for n in range(n_states):
            for j in range(n_x):
                out[c, n, j] = 0.0
            for l in range(n_lines):
                s = strength[c, n, l]
                if s > 0.0:
                    f0 = (e0 + offset[c, n, l] - x0) * inv_dx
                    m0 = int(np.floor(f0))
                    w = f0 - m0
                    # nodes with 0 <= m0 + j <= n_t - 2 (T = 0 outside the grid)
                    j_lo = max(0, -m0)
                    j_hi = min(n_x, n_t - 1 - m0)
                    for j in range(j_lo, j_hi):
                        m = m0 + j
                        out[c, n, j] += s * (tab[m] + w * (tab[m + 1] - tab[m]))


@njit(cache=True)
def _update_rates(line_table, photons, x0, inv_dx, em_strength, em_offset, abs_strength,
                  abs_offset, e0, base, t_buf, em, absorb, total):
    """One step's rate tables: T_c = photons @ line_table[c], folded (see :func:`_fold_rates`).

    ``line_table`` is (K, channels, grid); fills ``t_buf[c, x]``, ``em`` and
    ``absorb`` (K, S, grid) and ``total = base[:, :, None] + em + absorb``.
    Serial, fixed order: deterministic.
    """
    n_classes, n_ch, n_x = line_table.shape
    for c in range(n_classes):
        for x in range(n_x):
            t_buf[c, x] = 0.0
        for k in range(n_ch):
            p = photons[k]
            if p != 0.0:
                for x in range(n_x):
                    t_buf[c, x] += p * line_table[c, k, x]
    _fold_rates(t_buf, x0, inv_dx, em_strength, em_offset, e0, em)
    _fold_rates(t_buf, x0, inv_dx, abs_strength, abs_offset, e0, absorb)
    for c in range(n_classes):
        for n in range(em.shape[1]):
            b = base[c, n]
            for j in range(em.shape[2]):
                total[c, n, j] = b + em[c, n, j] + absorb[c, n, j]


@njit(cache=True, inline="always")
def _lookup(table, c, n, j, w):
    """table[c, n] at fractional grid index j + w (linear)."""
    a = table[c, n, j]
    return a + w * (table[c, n, j + 1] - a)


@njit(cache=True)
def _nc_events(key_base, index, counter, rem, clock, c, n, e, j, w, field_on, up_rate,
               down_rate, stim_em, stim_abs, em_strength, em_offset, abs_strength, abs_offset,
               spont_coef, spont_bound, ch_energy, ch_step, ch_photons, ch_width, widths,
               line_code, events, photons_em, photons_abs, photons_sp, buf):
    """The exact events of one NC over the time ``rem`` left in the step.

    ``events``, ``photons_*`` are the caller's rows for its part, ``buf`` a
    scratch row of the channel length. Returns the new (n, clock, counter).
    """
    key = _stream_key(key_base, index)
    n_lines = em_strength.shape[2]
    while True:
        up = up_rate[c, n]
        dn = down_rate[c, n]
        em = 0.0
        ab = 0.0
        if field_on:
            em = _lookup(stim_em, c, n, j, w)
            ab = _lookup(stim_abs, c, n, j, w)
        total = up + dn + em + ab
        hazard = total * rem
        if hazard < clock:
            return n, clock - hazard, counter
        # an event inside the step
        rem -= clock / total
        if up > 0.0 or em > 0.0 or ab > 0.0:
            v = _uniform(key, counter) * total
            counter += 1
        else:
            v = up + 0.5 * dn   # only decay is possible
        if v < up:
            n += 1
            events[0] += 1
        elif v < up + dn:
            into_field = False
            if field_on:
                u = _uniform(key, counter)
                counter += 1
                # spontaneous emission into the channels: weight a_k / dn; the
                # channels' total weight is below spont_bound[c, n], so a larger
                # target certainly goes to other modes (the loop would find no k)
                acc = 0.0
                target = u * dn
                n_ch = ch_energy.shape[0] if target < spont_bound[c, n] else 0
                for k in range(n_ch):
                    a = 0.0
                    for l in range(n_lines):
                        sc = spont_coef[c, n, l]
                        if sc > 0.0:
                            a += sc * _line(ch_energy[k] - e - em_offset[c, n, l],
                                            widths[c], line_code, 0.5 * ch_step)
                    acc += a * ch_width[k]
                    if target < acc:
                        photons_sp[k] += 1
                        into_field = True
                        break
            if into_field:
                events[3] += 1
            else:
                events[4] += 1
            n -= 1
        elif v < up + dn + em:
            k = _pick_channel(_uniform(key, counter), e, em_offset[c, n], em_strength[c, n],
                              ch_energy, ch_photons, widths[c], line_code, buf, ch_step)
            counter += 1
            photons_em[k] += 1
            events[2] += 1
            n -= 1
        else:
            k = _pick_channel(_uniform(key, counter), e, abs_offset[c, n], abs_strength[c, n],
                              ch_energy, ch_photons, widths[c], line_code, buf, ch_step)
            counter += 1
            photons_abs[k] += 1
            events[1] += 1
            n += 1
        clock = -np.log(_uniform(key, counter))
        counter += 1


@njit(parallel=True, cache=True)
def _field_step(key_base, first_index, dt, field_on, nc_class, nc_energy, nc_n, nc_clock,
                nc_counter, up_rate, down_rate, stim_em, stim_abs, stim_total, e0, inv_de_grid,
                em_strength, em_offset, abs_strength, abs_offset, spont_coef, spont_bound,
                ch_energy, ch_step, ch_photons, ch_width, widths, line_code, e_lo, inv_de,
                n_events, photons_em, photons_abs, photons_sp, hist_delta):
    """Advance NCs ``first_index ... first_index + len(nc_n) - 1`` by ``dt`` (ps).

    The field is fixed during the step. Rates of a NC of class c in state n
    with energy E (1/ps): up_rate[c, n] (pump), down_rate[c, n] (radiative +
    Auger), stimulated emission stim_em[c, n](E) and absorption
    stim_abs[c, n](E), tabulated on the E_i grid e0 + j / inv_de_grid and
    interpolated linearly; ``stim_total = up + down + stim_em + stim_abs`` on
    the same grid, which must cover every NC's E (all three are built by
    :class:`._rates.StimulatedRates`). A decay event puts its photon into
    a channel with probability sum_l spont_coef[c, n, l] h(E_ch[k] - E -
    em_offset) ch_width[k] / down_rate[c, n] (channel chosen by the same
    weights; ``spont_bound[c, n]`` must bound the sum over k from above for
    every E, see :func:`._rates.spontaneous_bound`). Stimulated events
    pick their channel with weights s h(E_ch - line) ch_photons[k]
    (``ch_step``: the spacing of a uniform channel grid, 0 otherwise; see
    :func:`_pick_channel`). The arrays ``nc_*`` hold a contiguous block of
    NCs; its NC i draws from the stream of NC ``first_index + i``.

    Outputs (per part, accumulated; the parts are ``n_events.shape[0]`` equal
    slices of the block, independent of the thread count): n_events[part,
    type] (see EVENT_TYPES), photons_em / photons_abs / photons_sp[part,
    channel], and hist_delta[part, c, n, energy bin]: -1 at a NC's start
    state and +1 at its end state for every NC whose n changed (bins e_lo[c] +
    b / inv_de, clipped), so that the histogram of (class, n, bin) is kept
    up to date by adding the summed deltas.
    """
    key_base = np.uint64(key_base)
    n_parts = n_events.shape[0]
    n_nc = nc_n.shape[0]
    n_bins = hist_delta.shape[3]
    j_max = stim_total.shape[2] - 2
    for part in prange(n_parts):
        lo = (n_nc * part) // n_parts
        hi = (n_nc * (part + 1)) // n_parts
        buf = np.empty(ch_energy.shape[0])
        for i in range(lo, hi):
            c = nc_class[i]
            n = nc_n[i]
            clock = nc_clock[i]
            j = 0
            w = 0.0
            if field_on:
                f = (nc_energy[i] - e0) * inv_de_grid
                j = min(max(int(f), 0), j_max)
                w = f - j
                total = _lookup(stim_total, c, n, j, w)
            else:
                total = up_rate[c, n] + down_rate[c, n]
            hazard = total * dt
            if hazard < clock:      # no event in this step: the common case
                nc_clock[i] = clock - hazard
                continue
            e = nc_energy[i]
            n1, clock, counter = _nc_events(
                key_base, first_index + i, nc_counter[i], dt, clock, c, n, e, j, w, field_on,
                up_rate, down_rate, stim_em, stim_abs, em_strength, em_offset, abs_strength,
                abs_offset, spont_coef, spont_bound, ch_energy, ch_step, ch_photons, ch_width,
                widths, line_code, n_events[part], photons_em[part], photons_abs[part],
                photons_sp[part], buf)
            nc_clock[i] = clock
            nc_counter[i] = counter
            if n1 != n:
                nc_n[i] = n1
                b = int((e - e_lo[c]) * inv_de[c])
                b = min(max(b, 0), n_bins - 1)
                hist_delta[part, c, n, b] -= 1
                hist_delta[part, c, n1, b] += 1


@njit(parallel=True, cache=True)
def _field_histogram(nc_class, nc_energy, nc_n, e_lo, inv_de, histogram):
    """histogram[part, c, n, b] += 1 for every NC (energy bins clipped at the ends)."""
    n_parts = histogram.shape[0]
    n_nc = nc_n.shape[0]
    n_bins = histogram.shape[3]
    for part in prange(n_parts):
        lo = (n_nc * part) // n_parts
        hi = (n_nc * (part + 1)) // n_parts
        for i in range(lo, hi):
            c = nc_class[i]
            b = int((nc_energy[i] - e_lo[c]) * inv_de[c])
            b = min(max(b, 0), n_bins - 1)
            histogram[part, c, nc_n[i], b] += 1


@njit(cache=True)
def _channel_sums(counts, em, absorb, spont, out):
    """out[0|1|2, k] = sum_m counts[m] em|absorb|spont[m, k] over the occupied cells m.

    ``counts`` is the flattened integer histogram of (class, n, energy bin),
    the matrices are the coupling matrices reshaped to (cells, channels); the
    caller divides by the number of NCs. Serial, fixed order: deterministic.
    """
    n_ch = em.shape[1]
    for k in range(n_ch):
        out[0, k] = 0.0
        out[1, k] = 0.0
        out[2, k] = 0.0
    for m in range(counts.shape[0]):
        w = counts[m]
        if w != 0:
            x = float(w)
            for k in range(n_ch):
                out[0, k] += x * em[m, k]
                out[1, k] += x * absorb[m, k]
                out[2, k] += x * spont[m, k]
