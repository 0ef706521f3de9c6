"""Criterion 5 (the footprint calculator) and criterion 7 (the no-AI comparison) in the case
file: inputs, computed answers with justified overrides, and alternative scenarios."""
