"""What the digest's rankings leave out (folded forms, see normalize_for_match).

Outlet names come from the dateline catalogue (``rules.datelines.AGENCIES``) plus
the nouns that head an outlet's name (وكالة رويترز، قناة الجزيرة): an outlet is
who reports, not what the news is about. Some outlets share their name with a
place (الرياض the city and the Saudi daily, الشرق الأوسط the region and the
London daily, الخليج, الجزيرة the peninsula): the entity type decides, which the
tagger sets from the context (صحيفة الشرق الأوسط is ORG, في الشرق الأوسط LOC), so a
LOC mention of such a name is kept as a place and any other type is dropped as an
outlet. Generic nouns are one-word common nouns that name no one in particular
(الهيئة، المصدر، الوزارة) when the text gave no fuller name.
"""

from __future__ import annotations

from akhbar.arabic.rules import quote_cues
from akhbar.arabic.rules.datelines import AGENCIES

# Outlet names that are also places: kept when tagged LOC.
PLACE_HOMONYMS: frozenset[str] = frozenset(
    {"الرياض", "الشرقالاوسط", "الخليج", "الجزيره", "الوطن", "العالم"}
)

# Words that only occur in names as the tail of an outlet (شفق نيوز، الغد برس).
OUTLET_FRAGMENTS: frozenset[str] = frozenset({"نيوز", "برس", "نت", "تي في"})

# Nouns heading an outlet's name; stripped before looking the rest up.
OUTLET_NOUNS: tuple[str, ...] = (
    "وكاله الانباء",
    "وكاله",
    "قناه",
    "صحيفه",
    "جريده",
    "موقع",
    "شبكه",
    "تلفزيون",
    "اذاعه",
    "مجله",
)

# Latin-script spellings and gazetteer ids of outlets the catalogue names in Arabic.
OUTLET_LATIN: frozenset[str] = frozenset(
    {"reuters", "afp", "ap", "cnn", "bbc", "dpa", "rt", "shafaq news", "al jazeera"}
)

# One-word names that refer to nobody in particular on their own.
GENERIC_NOUNS: frozenset[str] = (
    quote_cues.ORGANISATION_HEADS
    | quote_cues.ANONYMOUS_HEADS
    | quote_cues.GENERIC_SPEAKERS
    | quote_cues.PERSON_NOUNS
    | quote_cues.HONORIFICS
    | quote_cues.TITLES
    | quote_cues._word_set(
        "المصدر المصادر مصدر مصادر الرجل المراه المسوول المسوولون الناطق المتحدث "
        "الشاب الطفل المواطن المواطنون الطالب المعلم المدير الوزير الرييس الامير "
        "الملك الشرطي الضابط الجندي الخبير الخبراء المحلل المراقبون الاهالي السكان "
        "الدوله الجمعيه الهييات الوزارات الشركات القوات الاجهزه الجهات"
    )
)

OUTLETS: frozenset[str] = frozenset(name.replace(" ", "") for name in AGENCIES)
