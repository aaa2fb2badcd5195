"""How questions read: names mid-sentence, verb agreement for group entries, and the guards
that keep a card fair (no question that contains its answer, no back that gives away the next).
"""

from __future__ import annotations

import re
from functools import lru_cache

from studytool.model import Entry, Fact
from studytool.textnorm import STOPWORDS, fold, strip_levels, tokens

# Words that keep their capital mid-sentence: eponyms and the names of tests and people.
PROPER = frozenset(
    {
        "achilles", "baker", "morton", "sever", "osgood", "schlatter", "trendelenburg", "thomas",
        "ober", "thompson", "silfverskiöld", "travell", "simons", "patrick", "faber", "hoffa",
        "lasègue", "ely", "noble", "kemp", "gaenslen", "homans", "tinel", "freiberg", "gray",
        "baxter", "jones", "lisfranc", "haglund", "mcburney", "mcmurray", "lachman",
    }
)  # fmt: skip

# Words so general that an answer made only of them and the question's words gives nothing away.
_GENERIC = frozenset(
    {
        "nerve",
        "nerves",
        "muscle",
        "muscles",
        "to",
        "from",
        "for",
        "with",
        "via",
        "on",
        "in",
        "branch",
        "branches",
    }
)


_WORD = re.compile(r"[a-z0-9]+")
_PLAIN = _GENERIC | STOPWORDS


def _keeps_capital(word: str) -> bool:
    """An acronym (TFL, SI), a word with inner capitals, or an eponym keeps its capital."""
    bare = re.sub(r"[’']s$", "", word.strip("()[],.;:"))
    return (
        bare[1:2].isupper()
        or any(c.isupper() for c in bare[1:])
        or any(c.isdigit() for c in bare)  # a spinal level: 'L5 radiculopathy'
        or bare.lower() in PROPER
    )


@lru_cache(maxsize=4096)  # an entry's name and its conditions recur in many questions
def mid(name: str) -> str:
    """A name as written mid-sentence: 'Hip osteoarthritis' -> 'hip osteoarthritis'.

    Acronyms ('IT band syndrome', 'TFL') and eponyms ('Achilles tendinopathy') keep the capital.
    """
    first = name.split(" ", 1)[0]
    if not first or _keeps_capital(first):
        return name
    return name[:1].lower() + name[1:]


def subject(e: Entry) -> str:
    """The entry as the subject of a question: 'the gluteus medius', 'the hamstrings'."""
    return e.in_sentence or f"the {mid(e.name)}"


def does(e: Entry) -> str:
    """'does' for one muscle, 'do' for a group entry ('Where do the hamstrings lie?')."""
    return "do" if e.plural else "does"


@lru_cache(maxsize=2048)  # in study order a fact's answer is read again, as the back before the next
def content_words(text: str) -> frozenset[str]:
    """The words of a text that carry meaning (no articles, no generic anatomy words)."""
    return frozenset(t for t in tokens(text) if t not in _GENERIC and len(t) > 1)


def gives_away(question: str, answer: str) -> bool:
    """The question already contains the answer: every meaningful word of it
    ('Which nerve supplies the piriformis?' -> 'Nerve to piriformis')."""
    if not _all_in(answer, question):
        return False
    words = content_words(answer)
    return bool(words) and words <= content_words(question)


def reveals(before: Fact, after: Fact) -> bool:
    """The back of `before` shows the answer of `after`, so studying them in a row gives it away."""
    if not after.answer or after.reverse or len(after.items) > 1:
        return False  # a list is not given away by one of its items appearing elsewhere
    if not _all_in(after.answer, f"{before.answer} {before.extra}"):
        return False
    words = content_words(after.answer)
    if len(words) < 2:
        return False
    # a list's answer joins its items, so the answer and the extra are the whole back
    return words <= content_words(before.answer) | content_words(before.extra)


def _all_in(answer: str, text: str) -> bool:
    """A cheap first test, without tokenising: every plain word of the answer occurs somewhere
    in the text. Most facts fail it; those that pass get the exact comparison."""
    folded = fold(text)
    return all(
        w in folded for w in _WORD.findall(fold(strip_levels(answer))) if len(w) > 1 and w not in _PLAIN
    )


def capitals_mid_sentence(question: str) -> list[str]:
    """Capitalised words after the first one that are neither acronyms nor eponyms."""
    out = []
    for i, word in enumerate(re.findall(r"[^\s“”\"]+", question)):
        bare = word.strip("()[],.;:?!–-")
        if i == 0 or not bare[:1].isupper() or _keeps_capital(bare):
            continue
        out.append(bare)
    return out
