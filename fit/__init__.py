"""ncgain.fit: fit the model to measured data (issue 17)."""
