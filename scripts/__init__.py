"""Maintenance scripts (run as files or ``python -m scripts.<name>``); a package so tests
import them as modules."""
