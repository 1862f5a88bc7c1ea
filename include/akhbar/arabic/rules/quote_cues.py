"""Reporting cues for quotation extraction, in matching (folded) form.

``FINITE``: finite verbs (past m/f, imperfect m/f) that take a subject.
``PARTICIPLE``: circumstantial participles continuing the current speaker
(مبيناً أن، مشيراً إلى أن، قائلاً:).
``MASDAR``: verbal nouns (للتأكيد على أن، بالقول:) whose speaker is found before them.
Each lemma lists its surface forms explicitly (no morphological generation).
"""

from __future__ import annotations


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# lemma -> finite forms (folded)
FINITE: dict[str, tuple[str, ...]] = {
    "قال": ("قال", "قالت", "يقول", "تقول"),
    "أكد": ("اكد", "اكدت", "يوكد", "توكد"),
    "أضاف": ("اضاف", "اضافت", "يضيف", "تضيف"),
    "أوضح": ("اوضح", "اوضحت", "يوضح", "توضح"),
    "صرح": ("صرح", "صرحت", "يصرح", "تصرح"),
    "اعتبر": ("اعتبر", "اعتبرت", "يعتبر", "تعتبر"),
    "أشار": ("اشار", "اشارت", "يشير", "تشير"),
    "شدد": ("شدد", "شددت", "يشدد", "تشدد"),
    "لفت": ("لفت", "لفتت", "يلفت", "تلفت"),
    "تابع": ("تابع", "تابعت", "يتابع", "تتابع"),
    "كشف": ("كشف", "كشفت", "يكشف", "تكشف"),
    "نفى": ("نفي", "نفت", "ينفي", "تنفي"),
    "أعلن": ("اعلن", "اعلنت", "يعلن", "تعلن"),
    "ذكر": ("ذكر", "ذكرت", "يذكر", "تذكر"),
    "أفاد": ("افاد", "افادت", "يفيد", "تفيد"),
    "رأى": ("راي", "يري", "تري"),  # not رأت: folds into فرات
    "بين": ("بين", "بينت", "يبين", "تبين"),
    "حذر": ("حذر", "حذرت", "يحذر", "تحذر"),
    "طالب": ("طالب", "طالبت", "يطالب", "تطالب"),
    "دعا": ("دعا", "دعت", "يدعو", "تدعو"),
    "أردف": ("اردف", "اردفت", "يردف"),
    "نوه": ("نوه", "نوهت", "ينوه"),
    "توقع": ("توقع", "توقعت"),  # not يتوقع: mostly impersonal (يتوقع أن تستمر)
    "ادعى": ("ادعي", "ادعت", "يدعي"),
    "زعم": ("زعم", "زعمت", "يزعم"),
    "أعرب": ("اعرب", "اعربت"),
    "استدرك": ("استدرك", "استدركت"),
    "اختتم": ("اختتم", "اختتمت", "ختم", "ختمت", "يختم", "تختم"),
    "تعهد": ("تعهد", "تعهدت"),
    "أبلغ": ("ابلغ", "ابلغت"),
    "تحدث": ("تحدث", "تحدثت", "يتحدث", "تتحدث"),
    "اعترف": ("اعترف", "اعترفت", "يعترف", "تعترف"),
    # أدلى فلان بتصريح قال فيه إن ...: no content of its own, names the speaker
    "أدلى": ("ادلي", "ادلت"),
    # وكتب فلان على صفحته: إن ... / كتب ... أن (كتب is also "books": see PREFIX_REQUIRED)
    "كتب": ("كتب", "كتبت", "يكتب", "تكتب"),
    "أورد": ("اورد", "اوردت"),
    "ألمح": ("المح", "المحت"),
    # عبّر عن غضبه (عبر is also "via": see PREFIX_REQUIRED / AMBIGUOUS_FORMS)
    "عبر": ("عبر", "عبرت"),
}

# lemma -> participle forms (m/f)
PARTICIPLE: dict[str, tuple[str, ...]] = {
    "قال": ("قايلا", "قايله", "قايلين"),
    "أكد": ("موكدا", "موكده", "موكدين"),
    "أضاف": ("مضيفا", "مضيفه", "مضيفين"),
    "أوضح": ("موضحا", "موضحه", "موضحين"),
    "اعتبر": ("معتبرا", "معتبره", "معتبرين"),
    "أشار": ("مشيرا", "مشيره", "مشيرين"),
    "شدد": ("مشددا", "مشدده", "مشددين"),
    "لفت": ("لافتا", "لافته", "لافتين"),
    "بين": ("مبينا", "مبينه", "مبينين"),
    "حذر": ("محذرا", "محذره", "محذرين"),
    "طالب": ("مطالبا", "مطالبه", "مطالبين"),
    "دعا": ("داعيا", "داعيه"),
    "نفى": ("نافيا", "نافيه"),
    "ادعى": ("مدعيا", "مدعيه"),
    "نوه": ("منوها", "منوهه"),
    "توقع": ("متوقعا", "متوقعه"),
    "أعلن": ("معلنا", "معلنه"),
    "كشف": ("كاشفا", "كاشفه"),
    "أعرب": ("معربا", "معربه"),
}

# lemma -> verbal-noun forms (only used with a following أن / colon)
MASDAR: dict[str, tuple[str, ...]] = {
    # ونقلت الصحيفة عن الوزير قوله إن ...: the speaker follows عن
    "قال": ("بالقول", "القول", "قوله", "قولها", "قولهم"),
    "أكد": ("التاكيد", "للتاكيد", "بالتاكيد"),
    "شدد": ("التشديد", "للتشديد"),
    "أشار": ("الاشاره", "للاشاره"),
}

# Cues that continue the previous speaker even as finite verbs when no subject
# follows (وأضاف أن ..., وتابع: ...). Any finite cue with an empty subject does.
CONTINUATION_LEMMAS = frozenset({"أضاف", "تابع", "أردف", "استدرك", "اختتم"})

# Lemmas whose quotation may follow a short subject with no introducer: وقال عباس "...".
SUBJECT_THEN_QUOTE_LEMMAS = frozenset({"قال", "أضاف", "تابع", "أردف"})

# Complementisers introducing the reported content (folded). Order: longest first.
COMPLEMENTIZERS: tuple[str, ...] = (
    "الي انه",
    "الي انها",
    "الي انهم",
    "الي ان",
    "علي انه",
    "علي انها",
    "علي ان",
    "من انه",
    "من ان",
    "بانه",
    "بانها",
    "بانهم",
    "بان",
    "انه",
    "انها",
    "انهم",
    "ان",
)

# Prepositions that may introduce a quoted phrase directly (دعا ... إلى "...").
QUOTE_PREPOSITIONS: tuple[str, ...] = ("الي", "ب", "علي")

# Words that end the subject noun phrase of a cue (folded). The speaker is the
# text before the first of these.
SUBJECT_STOPS: tuple[str, ...] = (
    "لوكاله",
    "لـوكاله",
    "لمراسل",
    "لشفق",
    "لوسائل",
    "للصحفيين",
    "لقناه",
    "لصحيفه",
    "في بيان",
    "في حوار",
    "في لقاء",
    "في مداخله",
    "في البيان",
    "في بيانها",
    "في بيانه",
    "في تصريح",
    "في تصريحات",
    "في تصريحه",
    "في مقابله",
    "في تغريدات",
    "في كلمه",
    "في حديث",
    "في مقابله",
    "في مويتمر",
    "في مؤتمر",
    "في تغريده",
    "في منشور",
    "علي صفحته",
    "علي صفحتها",
    "علي حسابه",
    "علي حسابها",
    "في رساله",
    "خلال",
    "قبل",  # وقال الشاب فلان قبل دخوله غرفة العمليات ... إنه
    "بعد",
    "عقب",
    "عبر",
    "ضمن",
    "وفق",
    "وفقا",
    "بحسب",
    "يوم",
    "اليوم",
    "مساء",
    "صباح",
    "امس",
    "ردا",
    "علي هامش",
    "اثناء",
    "حديثها",
    "حديثه",
    # "to <outlet>": وقال مختصون لـ«اليوم» / وقال لرويترز (ـ is dropped when folding)
    "ل",
    "لرويترز",
    "لتلفزيون",
    "لموقع",
    "لوكالات",
    "للتلفزيون",
    "لاذاعه",
    # object of أعرب/كشف: وأعرب فلان عن أمله
    "عن",
    "بتصريح",
    "بتصريحات",
    "بحديث",
    "في اتصال",
    "الذي",  # وقال باتشان الذي يزور بريطانيا ... إنه
    "التي",
    "الذين",
    "السبت",
    "الاحد",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
)

# Role nouns that can head a speaker description (folded).
ROLE_NOUNS: tuple[str, ...] = (
    "وزير",
    "وزيره",
    "رييس",
    "رييسه",
    "نايب",
    "المتحدث",
    "المتحدثه",
    "الناطق",
    "متحدث",
    "ناطق",
    "مصدر",
    "المصدر",
    "مسوول",
    "المسوول",
    "مدير",
    "المدير",
    "محافظ",
    "المحافظ",
    "قايد",
    "قايد",
    "عضو",
    "سفير",
    "السفير",
    "الامين",
    "امين",
    "وكيل",
    "مستشار",
    "عميد",
    "الرييس",
    "الوزير",
    "النايب",
    "بيان",
    "البيان",
    "مرصد",
    "المرصد",
    "الهييه",
    "هييه",
    "الوزاره",
    "وزاره",
    "القياده",
    "قياده",
    "الشرطه",
    "مديريه",
    "المديريه",
    "مكتب",
    "المكتب",
    "لجنه",
    "اللجنه",
    "الخبير",
    "خبير",
    "الاب",
    "الشيخ",
    "العميد",
    "اللواء",
    "الفريق",
    "العقيد",
    "الدكتور",
    "قسم",
    "الراصد",
    "قايممقام",
    "قايمقام",
    "القايممقام",
    "القايمقام",
    "المحلل",
    "محلل",
    "الباحث",
    "باحث",
    "النايب",
    "نايبه",
    "متحدثه",
    "مصادر",
    "المصادر",
    "استاذ",
    "مندوب",
    "المندوب",
    "ممثل",
    "الممثل",
    "مساعد",
    "مفوض",
    "المفوض",
    "زعيم",
    "الزعيم",
    "استشاري",
    "الاستشاري",
    "سكرتير",
    "كبير",
    "مستشاره",
    "مديره",
    "عضوه",
    "المشرف",  # not مشرف: also a name (الرئيس مشرف)
    "الكاتب",
    "كاتب",
)

# Subjects that are not speakers: tokens that start an object, not a subject.
NON_SUBJECT_STARTS: tuple[str, ...] = (
    "عن",
    "الي",
    "علي",
    "في",
    "من",
    "ب",
    "ل",
    "بخصوص",  # وقال بخصوص الانتقادات ... إن
    "بدوره",
    "بدورها",
    "حول",
    "بشان",
    "ازاء",
    "تعليقا",
    "ذلك",  # من دون أن يعلن ذلك لأحد
)

# Preposition + pronoun right after a cue (تحدث إلينا عن، قال فيه، قال عنها مصدر): skipped;
# the subject, if any, follows it.
PREP_PRONOUNS: tuple[str, ...] = (
    "الينا",
    "اليه",
    "اليها",
    "اليهم",
    "فيه",
    "فيها",
    "له",
    "لها",
    "لهم",
    "لنا",
    "عليه",
    "عليها",
    "منه",
    "منها",
    "معه",
    "معها",
    "معنا",
    "عنه",
    "عنها",
    "عنهم",
    "به",
    "بها",
    "بهم",
    "خلاله",
    "خلالها",
    "خلالهم",
    "خلالهما",
)

# Words before a verbal noun that make it impersonal: تجدر الإشارة إلى أن، من الممكن القول
IMPERSONAL_BEFORE_MASDAR: tuple[str, ...] = ("تجدر", "يجدر", "الممكن", "يمكن")

# Words before أن that make it a conjunction, not a reporting complementiser
# (قبل أن يتحدث، بعد أن وجدت، كما أن "moreover").
NON_COMP_BEFORE: tuple[str, ...] = (
    "كما",
    "قبل",
    "بعد",
    "دون",
    "منذ",
    "بمجرد",
    "لمجرد",
    "الا",
    "حتي",
    "في",
    # modal أن: يمكن أن يتعرض، يجب أن، لا بد أن
    "يمكن",
    "يمكنه",
    "يمكنها",
    "يجب",
    "ينبغي",
    "بد",
    "لابد",
    "يستطيع",
    "تستطيع",
    "يريد",
    "تريد",
)

# Nouns after which "في أن / بأن" still reports content: أعرب عن أمله في أن ...
HOPE_NOUNS: tuple[str, ...] = ("امله", "املها", "املهم", "ثقته", "ثقتها", "قلقه", "قلقها")

# Words opening a sentence before a fronted subject (أما فلان، فأوضح ...).
TOPIC_MARKERS: tuple[str, ...] = ("اما", "و", "كما", "بينما", "فيما")

# Sentence openers that are adverbials, never a fronted subject.
ADVERBIAL_STARTS: tuple[str, ...] = (
    "في",
    "وفي",
    "من",
    "ومن",
    "علي",
    "وعلي",
    "بعد",
    "وبعد",
    "خلال",
    "وخلال",
    "الي",
    "والي",
    "عن",
    "هذا",
    "وهذا",
    "كما",
    "بدوره",
    "بدورها",
    "بدورهم",
    "بدوره",
    "ايضا",
    "واوضح",
)

# Forms that are also common non-speech words (بين "between", تابع "affiliated",
# طالب "student", رأي "opinion"): their subject must be short.
AMBIGUOUS_FORMS = frozenset(
    {
        "بين",
        "تبين",
        "يبين",
        "راي",
        "يري",
        "تري",
        "تابع",
        "يتابع",
        "تتابع",
        "طالب",
        "كتب",
        "تكتب",
        "عبر",
        "عبرت",
        "يدعي",  # also يُدعى "is called": ويدعى ريان إبراهيم
    }
)

# Impersonal uses with no subject: يذكر أن / يشار إلى أن ("it is worth noting that").
IMPERSONAL_FORMS = frozenset({"يذكر", "تذكر", "يشار", "تبين"})  # حتى تبين أن: "it emerged"

# Past forms that double as nouns/prepositions (بين "between", تابع, طالب, رأي):
# a cue only with a و/ف prefix or at the start of a sentence.
PREFIX_REQUIRED = frozenset({"بين", "تابع", "طالب", "راي", "كتب", "عبر"})

# "According to" attribution (وبحسب المرصد فإن ... / ...، بحسب مركز ...), folded.
ACCORDING_TO: tuple[str, ...] = ("بحسب", "حسب", "وفق", "وفقا ل", "طبقا ل", "نقلا عن")

# Heads of a source phrase after ACCORDING_TO (besides ROLE_NOUNS): the phrase must
# start with one of these, so "وفقاً لإرشادات ..." (in line with the guidelines) is not
# an attribution.
SOURCE_HEADS: tuple[str, ...] = (
    "مصدر",
    "مصادر",
    "المصدر",
    "المصادر",
    "بيان",
    "البيان",
    "تقرير",
    "تقارير",
    "التقرير",
    "التقارير",
    "وكاله",
    "الوكاله",
    "صحيفه",
    "الصحيفه",
    "مركز",
    "المركز",
    "وزاره",
    "الوزاره",
    "مراقبين",
    "مراقبون",
    "المراقبين",
    "محللين",
    "خبراء",
    "الخبراء",
    "مسوولين",
    "مسوولون",
    "شهود",
    "الشرطه",
    "الجيش",
    "مكتب",
    "هييه",
    "الهييه",
    "قناه",
    "القناه",
    "موقع",
    "الموقع",
    "المرصد",
    "مرصد",
    "احصاييات",
    "الاحصاييات",
    "ارقام",
    "الارقام",
    "بيانات",
    "البيانات",
    "منظمه",
    "المنظمه",
    "وسايل",
    "مسوول",
    "دراسه",
    "الدراسه",
    "استطلاع",
)

# Editorial formulas of the journalist: never a quotation, and they end a running one
# (وتجدر الإشارة إلى أن، ومن الجدير بالذكر أن، والجدير ذكره أن، يشار إلى أن).
EDITORIAL_FORMULAS: tuple[str, ...] = (
    "تجدر الاشاره",
    "يجدر الاشاره",
    "تجدر الاشاره الي",
    "من الجدير بالذكر",
    "ومن الجدير بالذكر",
    "الجدير بالذكر",
    "والجدير بالذكر",
    "الجدير ذكره",
    "والجدير ذكره",
    "يجدر بالذكر",
    "جدير بالذكر",
    "مما يذكر",
    "ومما يذكر",
    "يذكر ان",
    "ويذكر ان",
    "يشار الي",
    "ويشار الي",
)

# Lemmas reporting a statement whose complement is a verbal noun, and the
# prepositions it takes ("" = none): أكد على ضرورة، أعلن تشكيل، كشف عن وجود.
NOMINAL_LEMMAS: dict[str, tuple[str, ...]] = {
    "أكد": ("علي", ""),
    "شدد": ("علي",),
    "أشار": ("الي",),
    "لفت": ("الي",),
    "نوه": ("الي", "ب"),
    "دعا": ("الي",),
    "كشف": ("عن",),
    "أعرب": ("عن",),
    "حذر": ("من",),
    "طالب": ("ب",),
    "أعلن": ("", "عن"),
    "عبر": ("عن",),
    "نفى": ("",),
}

# Verbal nouns that head such a complement (folded, without ال). Other verbal nouns
# are recognised by their pattern (تفعيل، استفعال، افتعال، انفعال، مفاعلة).
MASDAR_OBJECTS: frozenset[str] = _word_set(
    "ضروره اهميه عدم رفض دعم استعداد وجود حرص تمسك التزام قلق امل ترحيب تضامن "
    "تاييد استمرار مواصله اعتزام نيه تشكيل اطلاق بدء انطلاق وصول مقتل اعتقال "
    "ضبط تنفيذ اعداد توقيع انتهاء اكتمال ارتفاع انخفاض تراجع زياده تسجيل مشاركه "
    "تعاون اتخاذ سعي حاجه اهتمام جاهزيه موافقه صدور اصدار الغاء تاجيل تعليق منع "
    "حظر فتح اغلاق اجراء عقد نجاح فشل تحقيق تقديم تعيين اختيار حصول وقوع سقوط "
    "مصرع اصابه استشهاد مقتل انسحاب سيطره تحرير تدمير قصف استهداف ضروره رغبه "
    "عزم ادانه استنكار رفضه تخصيص صرف توزيع انشاء افتتاح اطلاق اعلان ارسال اصلاح "
    "ايقاف اخلاء ابلاغ ادراج اعاده اتاحه سعاده ارتياح استياء اسف فرح حزن امتنان "
    "شكر تقدير شعور غضب رضا تفاول ثقه تطلع"
)

# Words of a verbal-noun pattern that name a thing reported on, not a statement.
NOT_MASDAR: frozenset[str] = _word_set("تقرير تقارير تصريح تصريحات تلفزيون توقيت تسجيلات")

# Speaker heads by kind (folded). Anonymous sources are never resolved to a person.
ANONYMOUS_HEADS: frozenset[str] = _word_set(
    "مصدر مصادر المصدر المصادر مسوول مسوولون مسوولين المسوول شهود شاهد مراقبون "
    "مراقبين مختصون مختصين خبراء ناشطون ناشطين سكان مواطنون اوساط جهات اطراف "
    "مصدرا مقربون مقربين"
)
ORGANISATION_HEADS: frozenset[str] = _word_set(
    "وزاره الوزاره هييه الهييه قياده القياده الشرطه مديريه المديريه مكتب المكتب "
    "لجنه اللجنه مرصد المرصد بيان البيان مركز المركز منظمه المنظمه الجيش الحكومه "
    "حكومه وكاله الوكاله صحيفه الصحيفه قناه القناه موقع الموقع تقرير التقرير "
    "دراسه الدراسه احصاييات الاحصاييات مجلس المجلس الامم الاتحاد حزب الحزب "
    "حركه الحركه جمعيه الجمعيه شركه الشركه البنك بنك المحكمه محكمه الائتلاف "
    "ائتلاف الخارجيه الداخليه الدفاع البرلمان السفاره سفاره الرئاسه رئاسه "
    "خليه الخليه دايره الدايره قسم القسم الادعاء النيابه الامانه امانه تلفزيون "
    "التلفزيون اذاعه الاذاعه وسايل"
)
# Titles before a name (الشيخ فلان، اللواء فلان): a role when no name follows.
TITLES: frozenset[str] = _word_set(
    "الشيخ الدكتور د اللواء العميد العقيد الفريق الرييس الاب السيد السيده "
    "المهندس الاستاذ القاضي النايب الامير الملك الوزير السفير الحاج المحامي"
)
# Prepositions inside a role description: what follows is not the person's name.
ROLE_PREPOSITIONS: frozenset[str] = _word_set("في من عن علي الي باسم لدي ل مع لشوون بشوون")

# Outlet nouns after ل ("to"): وقال فلان لهيئة الإذاعة / لشبكة / لجريدة ... (folded).
OUTLET_HEADS: frozenset[str] = _word_set(
    "هييه قناه صحيفه جريده مجله وكاله شبكه موقع اذاعه تلفزيون مراسل وكالات وسايل"
)

# Objects a participle may take before its complementiser: لافتاً النظر إلى أن.
PARTICIPLE_OBJECTS: frozenset[str] = _word_set("النظر الانتباه")

# Adverbs that are never the subject of a cue: كما أوضحت مسبقاً أن.
ADVERBS: frozenset[str] = _word_set(
    "مسبقا سابقا لاحقا ايضا مجددا حاليا مرارا كذلك كنا نحن انا لقد هناك هنا"
)

# Trailing attribution by a verb: ...، وذلك حسبما قال نجل المرسل إليه.
ACCORDING_VERBS: tuple[str, ...] = ("حسبما", "وفقا لما", "بحسب ما", "طبقا لما", "كما")
ACCORDING_VERB_FORMS: tuple[str, ...] = (
    "قال",
    "قالت",
    "ذكر",
    "ذكرت",
    "افاد",
    "افادت",
    "اعلن",
    "اعلنت",
    "اكد",
    "اكدت",
    "اوضح",
    "اوضحت",
)

# Honorifics standing for a person named before (سموه، معاليه): resolved to that person.
HONORIFICS: frozenset[str] = _word_set(
    "سموه سموها معاليه معاليها فخامته سعادته سماحته جلالته دولته"
)

# Religious citations (قال الله تعالى: ((...))، قال صلى الله عليه وسلم: "..."): the
# speaker is scripture or the Prophet quoted in a sermon or column, not a news source.
RELIGIOUS_SPEAKER_PHRASES: tuple[str, ...] = (
    "صلي الله عليه وسلم",
    "الله تعالي",
    "الله عز وجل",
    "الله سبحانه",
    "عز وجل",
    "سبحانه وتعالي",
    "تبارك وتعالي",
)
RELIGIOUS_SPEAKER_STARTS: frozenset[str] = _word_set("الله اسم تعالي سبحانه")

# The speaker's own speech as an object or in a phrase after the subject (واستهل الرئيس
# كلمته ... قائلاً، وقال السيسي في كلمته): the subject ends before it.
SPEECH_OBJECTS: frozenset[str] = _word_set(
    "كلمته كلمتها خطابه خطابها حديثه حديثها تصريحه تصريحها تصريحاته تصريحاتها "
    "بيانه بيانها مداخلته مداخلتها كلمتهم"
)
SPEECH_OBJECT_PREPS: frozenset[str] = _word_set("في خلال عبر ضمن")

# Verbs of calling on someone: the noun phrase after them may be whom they address.
ADDRESSING_LEMMAS: frozenset[str] = frozenset({"دعا", "طالب", "حث", "ناشد"})

# One-word speakers that name nobody: the two sides, the two countries.
GENERIC_SPEAKERS: frozenset[str] = _word_set(
    "الجانبان الجانبين الطرفان الطرفين البلدان البلدين الجميع المشاركون المشاركين"
)
# Common nouns for a person: nobody in particular alone (قالت المرأة), a person with a
# name after them (الشاب محمد).
PERSON_NOUNS: frozenset[str] = _word_set(
    "المراه الرجل الشاب الفتاه الطفل المواطن المواطنه الطالب الطالبه الام الاب "
    "الزوج الزوجه الضحيه الشاهد المريض"
)

# Words after عن / على that are no statement: كشف عنه، أكد على ما ...
NOT_OBJECT_WORDS: frozenset[str] = _word_set(
    "ما ان انه انها الذي التي هذا هذه ذلك تلك هناك هنا عنه عنها لسان"
)

# After a comma these open the journalist's next clause: ...، ونقلت وكالة ... ، وكان ...
NEW_CLAUSE_WORDS: tuple[str, ...] = (
    "ونقلت",
    "ونقل",
    "وكان",
    "وكانت",
    "ويأتي",
    "وياتي",
    "وجاء",
)

# Lemmas whose preposition takes any noun as the reported content (كشف عن تسلم ...).
OPEN_OBJECT_PREPS: dict[str, tuple[str, ...]] = {
    "كشف": ("عن",),
    "أعرب": ("عن",),
    "عبر": ("عن",),
    "أكد": ("علي",),
    "شدد": ("علي",),
}

# One-word speakers that are a family name when the text gives the full name before
# (الشيخ عبداللطيف السيد ... وأكد السيد): besides nisba surnames ending in ي.
SURNAME_WORDS: frozenset[str] = _word_set("السيد")
