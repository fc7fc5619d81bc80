"""ncgain.kinetics.field: the ensemble coupled to a photon field (lasing and ASE).

The entry points are :func:`ncgain.kinetics.simulate_cavity` (a laser cavity) and
:func:`ncgain.kinetics.simulate_stripe` (a pumped stripe, amplified spontaneous
emission). One concern a module, in the direction of their imports:

* :mod:`._coupling`: transition lines, energy bins, channels, coupling matrices,
  spontaneous coefficients (what the field reads from the state table);
* :mod:`._kernels`: the Numba kernels of the NC events in a frozen field;
* :mod:`._rates`: the stimulated-rate tables the kernels look up;
* :mod:`._common`: step limits, pump units, input checks and start states that the
  cavity and the stripe share;
* :mod:`._chain_bdf`: scipy's BDF with the twins' Newton systems solved chain by chain
  (tridiagonal, LAPACK), bordered by the cavity's photons and books;
* the cavity: :mod:`._cavity_problem` (the validated problem), :mod:`.cavity_twin`
  (rate equations), :mod:`.cavity_monte_carlo`, :mod:`.cavity_threshold` (no-field
  threshold), :mod:`.cavity_steady` (c.w. steady states), :mod:`.cavity_small_signal`
  (stability, relaxation oscillations), :mod:`.cavity_dataset`, and
  :mod:`.cavity` (:func:`simulate_cavity`);
* the stripe: :mod:`._stripe_problem` (problem and light), :mod:`.stripe_twin`,
  :mod:`.stripe_monte_carlo`, :mod:`.stripe_dataset`, and :mod:`.stripe`
  (:func:`simulate_stripe`).

This ``__init__`` imports nothing, so the modules may import one another through it
without a circle; ``ncgain.kinetics.cavity`` and ``ncgain.kinetics.stripe`` are the old
module paths (re-exports).
"""
