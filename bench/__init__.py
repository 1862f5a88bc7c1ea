"""Benchmarks (``make bench`` runs ``bench/run.py``); a package so tests import its modules."""
