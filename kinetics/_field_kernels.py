"""Numba kernels of the photon-field Monte Carlo (cavity): physics-free array loops.

Per NC the kernels keep five plain arrays (22 bytes per NC): the size class
(uint8), the exciton number n (uint8), the emission energy E_i (float64), the
modified-next-reaction clock (float64: the integrated hazard left until the
next event, an Exp(1) draw) and the counter of its random stream (uint32).
Random numbers come from the same counter-based SplitMix64 streams as the
pure-decay kernel (:mod:`._kernels`): draw k of NC i is a pure function of
(seed, i, k). Draws 0, 1, 2 of NC i are its class, the uniform u_E of its
energy (E_i = E_c + w_c Phi^-1(u_E)/sqrt(2), computed by the caller) and its
initial exciton number, exactly as in the pure-decay kernel, so with the field
switched off a NC follows the same trajectory as in ``simulate_pulsed``.

Within a step of length dt the field is fixed; each NC's events are exact
(piecewise-constant rates, an Exp(1) clock integrated against the total rate:
a step without an event costs a multiply, a subtract and a compare). Outputs
per step are integer counts (events per type, photons per channel, a histogram
of (class, n, energy bin)) accumulated per part and summed by the caller:
integer sums are exact and associative, so one seed gives bit-identical
results for any number of threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._kernels import _search_cdf, _stream_key, _uniform

#: Event types counted by :func:`_field_step` (columns of ``n_events``).
EVENT_TYPES = ("pump", "stimulated_absorption", "stimulated_emission", "spontaneous_field",
               "decay_other")

_SQRT_PI = np.sqrt(np.pi)


@njit(cache=True, inline="always")
def _line(d, width, lorentzian):
    """Unit-area homogeneous line at offset d (eV): Gaussian 1/e or Lorentzian HWHM width."""
    if lorentzian:
        return (width / np.pi) / (d * d + width * width)
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
def _pick_channel(u, energy, offsets, strengths, ch_energy, ch_weight, width, lorentzian):
    """Channel chosen with probability proportional to sum_l s_l h(E_ch - E - off_l) w_ch."""
    n_ch = ch_energy.shape[0]
    total = 0.0
    for k in range(n_ch):
        a = 0.0
        for l in range(offsets.shape[0]):
            if strengths[l] > 0.0:
                a += strengths[l] * _line(ch_energy[k] - energy - offsets[l], width, lorentzian)
        total += a * ch_weight[k]
    target = u * total
    acc = 0.0
    last = -1
    for k in range(n_ch):
        a = 0.0
        for l in range(offsets.shape[0]):
            if strengths[l] > 0.0:
                a += strengths[l] * _line(ch_energy[k] - energy - offsets[l], width, lorentzian)
        a *= ch_weight[k]
        if a > 0.0:
            last = k
        acc += a
        if target < acc:
            return k
    return last


@njit(parallel=True, cache=True)
def _field_step(key_base, dt, field_on, nc_class, nc_energy, nc_n, nc_clock, nc_counter,
                up_rate, down_rate, em_strength, em_offset, abs_strength, abs_offset,
                spont_coef, rate_table, x0, inv_dx, ch_energy, ch_photons, ch_width,
                widths, lorentzian, e_lo, inv_de, n_events, photons_em, photons_abs,
                photons_sp, histogram):
    """Advance every NC by ``dt`` (ps) in a field fixed during the step.

    Rates of a NC of class c in state n with energy E (1/ps): up_rate[c, n]
    (pump), down_rate[c, n] (radiative + Auger), stimulated emission
    sum_l em_strength[c, n, l] T_c(E + em_offset[c, n, l]) and stimulated
    absorption sum_l abs_strength[c, n, l] T_c(E + abs_offset[c, n, l]), with
    T_c = rate_table[c] the stimulated rate per unit strength on the grid
    x0 + j / inv_dx (eV). A decay event puts its photon into a channel with
    probability sum_k spont_coef[c, n, l] h(E_ch[k] - E - em_offset) ch_width[k]
    / down_rate[c, n] (channel chosen by the same weights). Stimulated events
    pick their channel with weights s h(E_ch - line) ch_photons[k].
    Outputs (per part, accumulated): n_events[part, type] (see EVENT_TYPES),
    photons_em / photons_abs / photons_sp[part, channel], and the end-of-step
    histogram[part, c, n, energy bin] (bins e_lo[c] + b / inv_de, clipped).
    """
    key_base = np.uint64(key_base)
    n_parts = n_events.shape[0]
    n_nc = nc_n.shape[0]
    n_lines = em_strength.shape[2]
    n_bins = histogram.shape[3]
    for part in prange(n_parts):
        lo = (n_nc * part) // n_parts
        hi = (n_nc * (part + 1)) // n_parts
        for i in range(lo, hi):
            c = nc_class[i]
            n = nc_n[i]
            e = nc_energy[i]
            clock = nc_clock[i]
            rem = dt
            while True:
                up = up_rate[c, n]
                dn = down_rate[c, n]
                em = 0.0
                ab = 0.0
                if field_on:
                    for l in range(n_lines):
                        s = em_strength[c, n, l]
                        if s > 0.0:
                            em += s * _interp(rate_table[c], x0, inv_dx, e + em_offset[c, n, l])
                        s = abs_strength[c, n, l]
                        if s > 0.0:
                            ab += s * _interp(rate_table[c], x0, inv_dx, e + abs_offset[c, n, l])
                total = up + dn + em + ab
                hazard = total * rem
                if hazard < clock:
                    clock -= hazard
                    break
                # an event inside the step
                rem -= clock / total
                key = _stream_key(key_base, i)
                counter = nc_counter[i]
                if up > 0.0 or em > 0.0 or ab > 0.0:
                    v = _uniform(key, counter) * total
                    counter += 1
                else:
                    v = up + 0.5 * dn   # only decay is possible
                if v < up:
                    n += 1
                    n_events[part, 0] += 1
                elif v < up + dn:
                    into_field = False
                    if field_on:
                        u = _uniform(key, counter)
                        counter += 1
                        # spontaneous emission into the channels: weight a_k / dn
                        acc = 0.0
                        target = u * dn
                        for k in range(ch_energy.shape[0]):
                            a = 0.0
                            for l in range(n_lines):
                                sc = spont_coef[c, n, l]
                                if sc > 0.0:
                                    a += sc * _line(ch_energy[k] - e - em_offset[c, n, l],
                                                    widths[c], lorentzian)
                            acc += a * ch_width[k]
                            if target < acc:
                                photons_sp[part, k] += 1
                                into_field = True
                                break
                    if into_field:
                        n_events[part, 3] += 1
                    else:
                        n_events[part, 4] += 1
                    n -= 1
                elif v < up + dn + em:
                    k = _pick_channel(_uniform(key, counter), e, em_offset[c, n],
                                      em_strength[c, n], ch_energy, ch_photons, widths[c],
                                      lorentzian)
                    counter += 1
                    photons_em[part, k] += 1
                    n_events[part, 2] += 1
                    n -= 1
                else:
                    k = _pick_channel(_uniform(key, counter), e, abs_offset[c, n],
                                      abs_strength[c, n], ch_energy, ch_photons, widths[c],
                                      lorentzian)
                    counter += 1
                    photons_abs[part, k] += 1
                    n_events[part, 1] += 1
                    n += 1
                clock = -np.log(_uniform(key, counter))
                counter += 1
                nc_counter[i] = counter
            nc_n[i] = n
            nc_clock[i] = clock
            b = int((e - e_lo[c]) * inv_de[c])
            b = min(max(b, 0), n_bins - 1)
            histogram[part, c, n, b] += 1


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
