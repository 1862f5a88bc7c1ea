"""Arabic text processing: normalisation, tokens, entities, quotes, datelines, dates."""
