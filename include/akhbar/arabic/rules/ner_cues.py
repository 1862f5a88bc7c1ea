"""Cue words and name-part endings the NER features look for, in folded form.

``CUES``: words whose presence near a token hints at its type (titles before a
person, place and organisation nouns, reporting verbs, sports context).
``NISBA_ENDINGS``: relative-adjective endings (الروسي، الفلسطينيه، المصريين).
``NOT_SURNAMES``: last words of person spans that are not surnames (titles,
particles, numerals), so name memory does not recall them.
"""

from __future__ import annotations

from akhbar.arabic.normalize import normalize_for_match

CUES: dict[str, frozenset[str]] = {
    "PER": frozenset(
        normalize_for_match(w)
        for w in (
            "الرئيس", "رئيس", "وزير", "وزيرة", "الوزير", "اللواء", "العميد", "العقيد",
            "المشير", "الفريق", "الجنرال", "الشيخ", "الملك", "الأمير", "السيد", "السيدة",
            "الدكتور", "د", "النائب", "المتحدث", "الناطق", "المستشار", "السفير", "المبعوث",
            "القائد", "الزعيم", "الإمام", "المرشد", "الرئيسة", "نائب", "قال", "أكد",
            "أعلن", "صرح", "أضاف", "الكاتب", "الصحفي", "المدرب", "اللاعب", "الفنان",
            "السلطان", "ولي", "الحاكم", "المحافظ", "رئيسة", "مستشار", "بن", "ابن", "أبو",
        )
    ),
    "LOC": frozenset(
        normalize_for_match(w)
        for w in (
            "مدينة", "محافظة", "ولاية", "إقليم", "منطقة", "بلدة", "قرية", "عاصمة",
            "العاصمة", "جزيرة", "نهر", "بحر", "جبل", "مخيم", "ضواحي", "شمال", "جنوب",
            "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "حي", "دولة", "بلاد", "إلى",
            "من", "في",
        )
    ),
    "ORG": frozenset(
        normalize_for_match(w)
        for w in (
            "وزارة", "حركة", "حزب", "منظمة", "جمعية", "شركة", "جامعة", "مجلس", "هيئة",
            "وكالة", "مؤسسة", "صحيفة", "قناة", "اتحاد", "بنك", "مصرف", "لجنة", "جبهة",
            "تنظيم", "جماعة", "نادي", "محكمة", "المحكمة", "مجموعة", "تحالف", "قوات",
            "كتائب", "جيش", "الجيش", "حكومة", "الحكومة", "برلمان", "مكتب", "معهد",
        )
    ),
    # reporting verbs: the name after them is the speaker (قال لافروف، وأكدت ميركل)
    "SAY": frozenset(
        normalize_for_match(w)
        for w in (
            "قال", "قالت", "أكد", "أكدت", "أعلن", "أعلنت", "صرح", "صرحت", "أضاف", "أضافت",
            "أوضح", "أوضحت", "أشار", "أشارت", "تابع", "تابعت", "اعتبر", "اعتبرت", "رأى",
            "دعا", "دعت", "طالب", "طالبت", "نفى", "نفت", "شدد", "شددت", "يقول", "تقول",
            "ذكر", "ذكرت", "أفاد", "أفادت", "لفت", "لفتت", "حذر", "حذرت", "التقى", "استقبل",
        )
    ),
    # sports context: a country or city named here is usually a team (ORG in newswire gold)
    "SPORT": frozenset(
        normalize_for_match(w)
        for w in (
            "فاز", "فوز", "تعادل", "خسر", "هزم", "تغلب", "مباراة", "المباراة", "منتخب",
            "المنتخب", "الدوري", "كأس", "هدف", "هدفين", "أهداف", "بطولة", "البطولة", "نادي",
            "النادي", "فريق", "الفريق", "لاعب", "اللاعب", "مدرب", "المدرب", "الشوط", "ضد",
            "أمام", "مواجهة", "الملعب", "التصفيات", "نهائي", "النهائي", "تأهل",
        )
    ),
}  # fmt: skip
NOT_SURNAMES = frozenset(normalize_for_match(w) for w in ("الله", "الدين", "الثاني", "الأول"))
NISBA_ENDINGS = ("ي", "يه", "يين", "يون", "يان")
