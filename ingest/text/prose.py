"""Telling prose from the rest of a page: tables and score lists, photo captions and credits,
bylines, live-blog stamps, newsletter, share or streaming boxes, and sentences carrying a web
address are text, but never an answer."""

from __future__ import annotations

import re

from ingest.text.dates import DATE_TEXT

MIN_WORDS = 5
MIN_LOWERCASE = 3  # lower-case words, "is" and "of" too: fewer, and it is a heading or names
MAX_CHARS = 700  # longer runs without a full stop are lists or tables that lost their breaks
MAX_NUMBER_SHARE = 0.35  # of the words: more, and it is a table row or a list of scores
MIN_FIELD_WORDS = 3  # "Producer: George Martin"
MAX_FIELD_CHARS = 200  # longer, and the label heads a paragraph: prose, read as such
MAX_VALUE_LOWERCASE = 2  # of a value under a label in capitals; more, and it is a heading

_FURNITURE = re.compile(
    r"""
    ^\s*\d{1,2}:\d{2}\s*(?:a\.?m\.?|p\.?m\.?)?\s   # a live-blog stamp: "10:29 p.m. FUMBLE"
    | ^\s*(?-i:[A-Z]{5,}(?:\s+[A-Z]{3,})*)\s*[—–:-]\s   # a shouted label: "BREAKING:", "FUMBLE —"
    | ^\s*(?:by|written\s+by|reporting\s+by|editing\s+by|additional\s+reporting)\s+(?-i:[A-Z])
    | \b(?:photo|image|picture|illustration|video)s?\s*(?:by|credit|courtesy)\b
    | ^\s*(?:photo|image|picture|illustration|video|caption)s?\s*:
    | \b(?:getty\s+images|ap\s+photo|shutterstock|reuters/|afp\s+via)\b
    | \bin\s+this\s+(?:[\w-]+\s+)?(?:sketch|photo|photograph|picture|image|screenshot|handout)\b
    # a photo caption ends on where and when it was taken: "in Bali, Indonesia, November 14, 2022."
    | (?-i:\b(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)[A-Z][\w.]*),\s+(?:on\s+)?
      (?:[A-Z][a-z]+day,\s+)?(?-i:[A-Z][a-z]{2,8})\.?\s+\d{1,2},\s+\d{4}\b[^.]{0,40}\.\W*$
    | \(free\s+trial\)                              # "Watch X live on Fubo (free trial)"
    | \bclick\s+here\b | \bfollow\s+us\b | \bdownload\s+the\s+app\b | \badvertisement\b
    | \bwatch\b.{0,60}\b(?:live|stream(?:ing)?)\b.{0,40}\bon\b   # "Watch X live on Fubo"
    | ^\s*(?:more|related|also\s+read|see\s+also|read|listen|watch)\s*:     # "MORE: ..."
    | \bthis\s+(?:article|story)\s+(?:originally\s+)?(?:appeared|was\s+(?:first\s+)?published)
    | \{\{ | \}\}                                   # a page template's placeholders
    | \bhttps?://                                   # a web address: the citation links the source
    """,
    re.I | re.X,
)
# Sign-up forms, terms boxes and affiliate notes; searched only in sentences holding one of
# _FORM_WORDS, as most hold none and each pattern costs time on every sentence.
_FORMS = re.compile(
    r"""
    ^\s*(?:sign\s+up|subscribe)\b | \bsubscribe\s+(?:to\s+)?(?:our|now|today|here)\b
    | \bsign\s+up\s+(?:for|to)\s+(?:our|the)\b.{0,30}\bnewsletter
    | \bour\s+(?:[\w-]+\s+){0,5}newsletters?\b | \bsubscribe\s+to\s+the\b.{0,40}\bnewsletter
    | \b(?:enter|provide)\s+(?:a\s+|your\s+)?(?:valid\s+)?e-?mail\b
    | \bagree\s+to\s+(?:the\s+)?terms\b | \bI\s+agree\s+to\s+receive\b
    | \bregister\s+or\s+subscribe\b | \baffiliate\s+(?:partners?|commission|links?)\b
    """,
    re.I | re.X,
)
_FORM_WORDS = ("sign", "subscribe", "newsletter", "mail", "terms", "receive", "affiliate")
_LOWERCASE_WORD = re.compile(r"\b[a-z]{2,}\b")
_NUMBER = re.compile(r"^[(\[$€£+-]?\d[\d.,:%/-]*\)?$")
_SEPARATORS = re.compile(r"[|•\t]")
_CLOSING = ' "”’)]'  # what may follow a sentence's last stop
_FULL_DATE = re.compile(DATE_TEXT)
_FIELD = re.compile(r"^(?-i:[A-Z][a-z]+(?: [a-z]+){0,2}): \S")  # "Landing site: Sea of…"
# "Golden Boot: James Rodríguez (6 goals)": a label in capitals names a value, not a heading
_NAMED_FIELD = re.compile(r"^(?-i:[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]*){1,3}): (.*)$")


def is_prose(sentence: str, cut: bool = False) -> bool:
    """Whether a sentence is running prose that may answer a question: long enough, a
    statement ended by a stop (not a question, a heading or an embedded post), and none of
    the page's furniture. A sentence cut short (see sentences.cut_short) needs no stop, and a
    labelled field ("Born: 7 November 1867, Warsaw") states its fact in a few words."""
    words = sentence.split()
    if not (_is_field(sentence, words) or _is_running_text(sentence, words, cut)):
        return False
    if len(_SEPARATORS.findall(sentence)) >= 2:
        return False
    if _numbers(words) > MAX_NUMBER_SHARE * len(words):
        undated = _FULL_DATE.sub("date", sentence).split()  # a date's day and year: one word
        if _numbers(undated) > MAX_NUMBER_SHARE * len(undated):
            return False
    lower = sentence.lower()
    if any(word in lower for word in _FORM_WORDS) and _FORMS.search(sentence):
        return False
    return not _FURNITURE.search(sentence)


def _is_field(sentence: str, words: list[str]) -> bool:
    """A short labelled field: "Born: 7 November 1867, Warsaw", or a value named by a label
    in capitals: "Golden Ball: Lionel Messi"."""
    if len(words) < MIN_FIELD_WORDS or len(sentence) > MAX_FIELD_CHARS:
        return False
    named = _NAMED_FIELD.match(sentence)
    if named:
        return len(_LOWERCASE_WORD.findall(named[1])) <= MAX_VALUE_LOWERCASE
    return bool(_FIELD.match(sentence))


def _is_running_text(sentence: str, words: list[str], cut: bool) -> bool:
    """Long enough, with words of running text, and ended by a stop unless cut short."""
    if len(words) < MIN_WORDS or len(sentence) > MAX_CHARS:
        return False
    if len(_LOWERCASE_WORD.findall(sentence)) < MIN_LOWERCASE:
        return False
    return cut or sentence.rstrip(_CLOSING).endswith((".", "!", "…"))


def _numbers(words: list[str]) -> int:
    """How many of the words are numbers."""
    return sum(bool(_NUMBER.match(w)) for w in words)
