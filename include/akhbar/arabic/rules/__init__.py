"""Declarative rule data for the Arabic extractors (quotes, datelines, dates).

Every list here is plain data, written in the *matching* form produced by
:func:`akhbar.arabic.normalize.normalize_for_match` (no diacritics, أ/إ/آ -> ا,
ى -> ي, ة -> ه, ؤ -> و, ئ -> ي) unless a comment says otherwise.
"""
