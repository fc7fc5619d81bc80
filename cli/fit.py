"""``ncgain fit``: fit a sample to measured data (the logic is in :mod:`ncgain.fit.cli_support`)."""

from __future__ import annotations

from ._args import _exclusive_file_output


def _add_fit_parser(sub) -> None:
    from ncgain.fit import cli_support
    f = sub.add_parser(
        "fit", help="fit a sample to measured data: values +- sigma, chi2 -> netCDF + TOML",
        description="Fit Sample fields (and measurement nuisances) to transient absorption "
                    "or PL data in ncgain's schema (ncgain.fit.fit: bounded least squares "
                    "on the exact master equation, optionally an emcee posterior). Prints "
                    "each fitted value +- 1 sigma with its units, chi2 and reduced chi2, and "
                    "the parameters the data cannot determine; writes the data, model and "
                    "residuals to --out and the fitted sample as TOML beside it.")
    cli_support.add_arguments(f)
    f.set_defaults(func=_cmd_fit)


def _cmd_fit(args) -> int:
    from ncgain import fileio as _io
    from ncgain.fit import cli_support
    netcdf, toml = cli_support.output_paths(args.out)
    with _exclusive_file_output(netcdf, "--out"):
        out = cli_support.run(args)
        _io.write_netcdf(out.dataset, out.netcdf)
        _io.write_text(out.toml, out.toml_text)
    print(cli_support.summary(out))
    return 0
