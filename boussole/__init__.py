"""Boussole: instruct, decide on and follow the use of AI by a public body."""

__version__ = "0.1.0"
