"""ncgain.studies: reproductions of the paper, users' studies and the ``ncgain`` command."""
