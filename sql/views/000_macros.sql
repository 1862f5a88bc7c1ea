-- Helper macros used by every other view file (file name sorts first).
-- Idempotent: CREATE OR REPLACE only.

-- ar_fold(s): the SQL twin of akhbar.arabic.normalize.normalize_for_match.
-- Drops harakat/tanween/shadda/sukun, superscript alef, Quranic marks, tatweel
-- and invisible bidi/zero-width controls; folds alef/hamza forms to ا, ى/ی to ي,
-- ة to ه, ؤ to و, ئ to ي, Persian kaf to ك, Arabic-Indic and Eastern digits to
-- ASCII; lower-cases Latin. tests/test_views.py checks both agree, character by
-- character, on every folded code point and on real article text.
CREATE OR REPLACE MACRO ar_fold(s) AS lower(translate(
    regexp_replace(
        s,
        '[\x{064B}-\x{065F}\x{0670}\x{06D6}-\x{06DC}\x{06DF}-\x{06E8}\x{06EA}-\x{06ED}\x{0640}\x{200B}-\x{200F}\x{061C}\x{FEFF}\x{2060}\x{202A}-\x{202E}\x{2066}-\x{2069}]',
        '',
        'g'
    ),
    'أإآٱٲٳىیېةۀەؤئکڪ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹',
    'اااااايييهههويكك01234567890123456789'
));

-- utc_day(ts): calendar day of a TIMESTAMPTZ in UTC, independent of the
-- session TimeZone (so a view gives the same rows on every machine).
CREATE OR REPLACE MACRO utc_day(ts) AS CAST(timezone('UTC', ts) AS DATE);

-- article_day(published_at, run_date): the day an article counts for:
-- its publication day, or the run that fetched it when the feed gave no date.
CREATE OR REPLACE MACRO article_day(published_at, run_date) AS
    coalesce(utc_day(published_at), run_date);
