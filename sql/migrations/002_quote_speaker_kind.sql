-- Speaker kind of a quotation: person | organisation | role | anonymous
-- (akhbar.arabic.quotes.Quote.speaker_kind; NULL when the quote has no speaker).
-- Rows loaded before this migration get 'anonymous' when their speaker is a
-- generic source (مصدر، مصادر، المصدر ...) and stay NULL otherwise.
ALTER TABLE fact_quote ADD COLUMN IF NOT EXISTS speaker_kind VARCHAR;

UPDATE fact_quote
SET speaker_kind = 'anonymous'
WHERE speaker_kind IS NULL
  AND regexp_matches(trim(speaker), '^و?(ال)?(مصدر|مصادر|مسؤول|مسؤولون|مسؤولين)([ ،,].*)?$');

COMMENT ON COLUMN fact_quote.speaker_kind IS 'person | organisation | role (an unresolved role noun or generic noun) | anonymous (مصدر، مصادر ...); rankings count person and organisation.';
