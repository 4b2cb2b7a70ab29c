"""Find medical terms in Dutch free text (docs/rules/privacy.md, docs/features.md P8). Pure: no Django.

An employer may not record diagnosis, symptoms, treatment or medical circumstances, so
every free text written by a non-medical user is scanned before it is saved. Each finding
names the words, their category and, where one reads well, a neutral word to put in their
place ("Jan heeft rugpijn" becomes "Jan heeft klachten").

Approach
--------
The lexicon is a list of stems (``data/medical_terms_nl.tsv``, format in
``docs/medical-terms.md``); the matcher works on words, never on raw substrings, which is
why "hartelijke groet", "terug" and "voorlopig" stay clean.

1. Words are runs of letters, with inner hyphens and apostrophes ("hernia-operatie",
   "chemo's"). Each is normalised for look-up: case-folded, accents dropped, hyphens and
   apostrophes removed. Offsets always come from the original text.
2. Every single-word entry yields forms: the stem plus inflection endings (plural,
   diminutive, adjectival -e, with a doubled final consonant after a short vowel).
   Irregular forms ("benen", "ogen") are entries of their own; ``fixed`` turns the
   generated forms off for stems whose inflections are ordinary words ("arm" / "arme").
3. A word that is no form is split as a compound. Dutch compounds put the meaning in the
   last part, so a ``head`` entry may end a word after at least 3 letters ("rugpijn",
   "longontsteking"), a ``modifier`` entry may start a word followed by at least 4 letters
   ("kankerbehandeling"; no suggestion then, as the last part carries the meaning) and a
   ``compound`` entry may do both. A body part (``context``) or other medical first part
   followed by a complaint word (category ``cue``: klachten, problemen, breuk, letsel) is a
   symptom ("rugklachten", "hoofdpijnklachten", "beenbreuk"), but "hoofdkantoor" and
   "armband" are not. A medical last part without ``head`` counts only after a medical first
   part ("staar|operatie", "hart|patiënt", not "fusie|operatie"); ``bound`` entries never
   count on their own ("bloed|verlies", "darm|onderzoek"). A body part after a body part or a
   side is a body part ("enkel|band", "linker|knie"). Matches inside a word are never tried:
   "archivaris" has no "hiv". Verbs in -eren get their verb forms ("hyperventileert").
4. Body parts on their own are everyday words ("rug", "hoofd", "been", "enkel"), so they
   are findings only with a complaint word or another medical word within four words in
   the same sentence ("last van zijn rug"), and a body part found that way counts for its
   neighbours ("nek en schouders"). Entries marked ``det`` also need a determiner or
   complaint word right before them ("zijn enkel", not "enkel nog").
5. Multi-word entries ("burn out", "gebroken been", "psychische klachten") match runs
   of normalised words and win over the single words they contain.
6. Words that match nothing get a second chance as a typo of a stem of 5 or more letters:
   the same sound in Dutch spelling ("psygoloog", "kardioloog", "ziekenhuiss"), two
   neighbours swapped ("hernai"), or, for stems of 8 or more letters, an edit distance of 1
   with the same first letter ("migrane", "depresie", "paracetemol"). The last part of a
   compound may have the typo after a medical first part ("blaasontseking"). Other short
   misspellings ("hernea") are entries of their own, and ``nofuzzy`` keeps stems away from
   ordinary words one edit off ("fractuur" / "factuur", "kotsen" / "kosten").
7. Entries of category ``allow`` are never findings and overrule everything for the same
   word or phrase ("bedrijfsarts", "mediatie", "op de been"); an arbodienst adds its own
   in an extra file. An ``ambiguous`` word on its own ("virus", "krukken") is no finding in
   a sentence with a ``domain`` word of its other topic ("computer", "kantine").

A finding whose suggestion is "klachten" takes a directly preceding "een" along, so the
replacement reads well ("heeft een hernia" becomes "heeft klachten").
"""

from __future__ import annotations

import functools
import itertools
import pathlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CATEGORIES = frozenset(
    {"diagnosis", "symptom", "body_part", "medication", "treatment", "specialist"}
)
MARKER_CATEGORIES = frozenset({"cue", "allow", "domain"})  # used by the matcher, never reported
FLAGS = frozenset(
    {"fixed", "head", "modifier", "compound", "context", "det", "upper", "cue", "nofuzzy"}
    | {"bound", "ambiguous"}
)
BUILTIN_FILE = pathlib.Path(__file__).with_name("data") / "medical_terms_nl.tsv"

MIN_PREFIX = 3  # letters before a compound head: "oog|arts" yes, "st|arts" no
MIN_REST = 4  # letters after a compound modifier: "griep|prik" yes, "kanker|en" no
MIN_FUZZY = 8  # stems shorter than this match only by sound or a swap of two letters
MIN_SOUND = 5  # stems shorter than this never match with a typo
CONTEXT_WINDOW = 4  # words between a body part and its complaint word
MAX_CACHE = 100_000  # analysed words kept per lexicon
MAX_SPLIT = 60  # longer "words" (pasted strings) are looked up whole: no compounds, no typos

_ENDINGS = ("s", "en", "n", "e", "je", "jes", "tje", "tjes", "etje", "etjes", "pje", "pjes")
_DOUBLING_ENDINGS = ("en", "e", "etje", "etjes")
_LINKS = ("", "s", "e", "en")
_VOWELS = frozenset("aeiouy")
_DETERMINERS = frozenset(
    {"de", "het", "zijn", "zn", "haar", "dr", "mijn", "mn", "hun", "uw", "jouw", "je"}
    | {"linker", "rechter", "beide", "beiden", "welke"}
)
# Spellings that sound alike in Dutch ("psygoloog", "kardioloog", "ziekenhuiss"): typos are
# compared after this folding (and with double consonants single). "ch" goes before "c".
_SOUNDS = (
    ("ch", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("rh", "r"),
    ("ck", "k"),
    ("qu", "kw"),
    ("ij", "ei"),
    ("y", "i"),
    ("au", "ou"),
    ("ce", "se"),
    ("ci", "si"),
    ("c", "k"),
    ("x", "ks"),
    ("dt", "t"),
)
_DOUBLE_CONSONANT = re.compile(r"([b-df-hj-np-tv-z])\1+")
_WORD = re.compile("[^\\W\\d_]+(?:[-'\u2019][^\\W\\d_]+)*")  # inner hyphen or apostrophe
_SENTENCE_END = re.compile(r"[.!?;\n]")


_UNSEEN = object()


class LexiconError(ValueError):
    """A lexicon file has a line the matcher cannot use."""


@dataclass(frozen=True)
class Finding:
    term: str  # exactly text[start:end]
    start: int
    end: int
    category: str
    suggestion: str | None


@dataclass(frozen=True)
class Entry:
    """One line of a lexicon file."""

    term: str
    category: str
    suggestion: str | None
    flags: frozenset[str]
    key: tuple[str, ...]  # normalised words; one for a single-word entry

    @property
    def reported(self) -> bool:
        return self.category in CATEGORIES

    @property
    def is_cue(self) -> bool:
        return self.category == "cue" or "cue" in self.flags


@dataclass(frozen=True)
class _Hit:
    category: str
    suggestion: str | None
    entry: Entry
    context: bool = False  # a body part that needs a complaint word nearby
    det: bool = False  # ... and a determiner or complaint word right before it
    ambiguous: bool = False  # the word itself also has an everyday meaning ("virus")


@dataclass(frozen=True)
class Lexicon:
    """Entries in file order plus the look-up tables built from them."""

    entries: tuple[Entry, ...]
    _forms: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _stems: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _phrases: dict[tuple[str, ...], Entry] = field(init=False, repr=False, compare=False)
    _allow_heads: frozenset[str] = field(init=False, repr=False, compare=False)
    _allow_modifiers: frozenset[str] = field(init=False, repr=False, compare=False)
    _domain_heads: frozenset[str] = field(init=False, repr=False, compare=False)
    _fuzzy: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _sounds: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _max_phrase: int = field(init=False, repr=False, compare=False)
    _phrase_starts: frozenset[str] = field(init=False, repr=False, compare=False)
    _phrase_prefixes: frozenset[tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _cache: dict[str, _Hit | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        generated: dict[str, Entry] = {}
        stems: dict[str, Entry] = {}
        phrases: dict[tuple[str, ...], Entry] = {}
        for entry in self.entries:
            if len(entry.key) > 1:
                phrases[entry.key] = entry
                continue
            stem = entry.key[0]
            stems[stem] = entry
            if "fixed" not in entry.flags:
                for form in _inflections(stem):
                    generated[form] = entry
                if entry.reported and stem.endswith("eren") and len(stem) > 7:
                    for form in _verb_forms(stem):
                        generated[form] = entry
        forms = {**generated, **stems}  # a written stem beats a generated form
        fuzzy: dict[str, set[str]] = {}  # a long stem and its deletions -> stems
        sounds: dict[str, set[str]] = {}  # how a stem sounds -> stems
        for stem, entry in stems.items():
            if len(stem) < MIN_SOUND or not _typo_target(entry):
                continue
            sounds.setdefault(_sound(stem), set()).add(stem)
            if len(stem) >= MIN_FUZZY:
                for variant in {stem, *_deletions(stem)}:
                    fuzzy.setdefault(variant, set()).add(stem)
        setattr_ = object.__setattr__
        setattr_(self, "_forms", forms)
        setattr_(self, "_stems", stems)
        setattr_(self, "_phrases", phrases)
        setattr_(self, "_allow_heads", _heads(stems.values(), "allow"))
        setattr_(
            self,
            "_allow_modifiers",
            frozenset(
                e.key[0]
                for e in stems.values()
                if e.category == "allow" and e.flags & {"modifier", "compound"}
            ),
        )
        setattr_(self, "_domain_heads", _heads(stems.values(), "domain"))
        setattr_(self, "_fuzzy", {k: frozenset(v) for k, v in fuzzy.items()})
        setattr_(self, "_sounds", {k: frozenset(v) for k, v in sounds.items()})
        setattr_(self, "_max_phrase", max((len(key) for key in phrases), default=1))
        setattr_(self, "_phrase_starts", frozenset(key[0] for key in phrases))
        setattr_(
            self,
            "_phrase_prefixes",
            frozenset(key[:size] for key in phrases for size in range(2, len(key))),
        )
        setattr_(self, "_cache", {})

    # -- single words -------------------------------------------------------------

    def analyse(self, word: str) -> _Hit | None:
        """The medical meaning of one normalised word, or None (cached)."""
        cached = self._cache.get(word, _UNSEEN)
        if cached is not _UNSEEN:
            return cached  # type: ignore[return-value]
        if len(self._cache) >= MAX_CACHE:
            self._cache.clear()
        hit = None if self.allowed(word) else self._analyse(word, fuzzy=True)
        self._cache[word] = hit
        return hit

    def allowed(self, word: str) -> bool:
        entry = self._forms.get(word)
        if entry is not None and entry.category == "allow":
            return True
        return _has_tail(word, self._allow_heads) or any(
            word[:cut] in self._allow_modifiers for cut in range(1, len(word) + 1)
        )

    def is_cue(self, word: str) -> bool:
        entry = self._forms.get(word)
        return entry is not None and entry.is_cue and not self.allowed(word)

    def is_domain(self, word: str) -> bool:
        """A word of a non-medical topic that turns off `ambiguous` entries ("computer")."""
        entry = self._forms.get(word)
        if entry is not None and entry.category == "domain":
            return True
        return _has_tail(word, self._domain_heads)

    def _analyse(self, word: str, *, fuzzy: bool) -> _Hit | None:
        entry = self._forms.get(word)
        if entry is not None:
            if not entry.reported or "bound" in entry.flags:
                return None
            context = "context" in entry.flags
            return _Hit(
                entry.category,
                entry.suggestion,
                entry,
                context,
                context and "det" in entry.flags,
                "ambiguous" in entry.flags,
            )
        if len(word) > MAX_SPLIT:
            return None
        hit = self._compound(word)
        if hit is None and fuzzy:
            hit = self._fuzzy_match(word) or self._fuzzy_compound(word)
        return hit

    def _compound(self, word: str) -> _Hit | None:
        # The longest tail first: Dutch compounds take their meaning from the last part.
        for cut in range(MIN_PREFIX, len(word) - 1):
            tail = self._forms.get(word[cut:])
            if tail is None or not _compoundable(tail):
                continue
            if tail.reported and "context" not in tail.flags and tail.flags & {"head", "compound"}:
                return _Hit(tail.category, tail.suggestion, tail)
            if tail.is_cue:  # "rug|klachten", "hoofdpijn|klachten", "been|breuk"
                first = self._medical_prefix(word[:cut])
                if first is not None:
                    category = "symptom" if first.category == "body_part" else first.category
                    return _Hit(category, "klachten", first.entry)
            elif tail.reported and "context" not in tail.flags:
                # "hart|specialist", "hernia|operatie", "antibiotica|kuur"; not "bank|operatie"
                first = self._medical_prefix(word[:cut])
                if first is not None:
                    return _Hit(tail.category, tail.suggestion, tail)
            elif tail.category == "body_part":
                # "linker|knie", "knie|pees", "enkel|band": a body part, found like its first part
                if word[:cut] in _SIDES:
                    return _Hit("body_part", None, tail, context=True)
                first = self._medical_prefix(word[:cut])
                if first is not None and first.category == "body_part":
                    return _Hit("body_part", None, tail, context=first.context)
        for length in range(len(word) - MIN_REST, 1, -1):
            stem = self._stems.get(word[:length])
            if (
                stem is not None
                and stem.reported
                and _compoundable(stem)
                and "context" not in stem.flags
                and stem.flags & {"modifier", "compound"}
            ):
                # The last part carries the meaning ("burn-out|traject"): no safe suggestion.
                return _Hit(stem.category, None, stem)
        return None

    def _medical_prefix(self, prefix: str) -> _Hit | None:
        """The first part of a compound whose last part is a complaint word."""
        for link in _LINKS:
            if link and not prefix.endswith(link):
                continue
            part = prefix[: len(prefix) - len(link)]
            if len(part) < 2:
                continue
            hit = self.analyse(part)  # cached; None for allowed words
            if hit is not None and _compoundable(hit.entry):
                return hit
            # two body parts: "maagdarm|klachten"
            for cut in range(2, len(part) - 1):
                first, second = self._stems.get(part[:cut]), self._forms.get(part[cut:])
                if first and second and first.category == second.category == "body_part":
                    return _Hit("body_part", None, first)
        return None

    def _fuzzy_match(self, word: str, *, heads: bool = False) -> _Hit | None:
        """A typo of a stem: it sounds the same, two neighbours are swapped, or (stems of 8
        letters or more) one letter is inserted, deleted or replaced."""
        if len(word) < MIN_SOUND:
            return None
        key = _sound(word)
        candidates: set[str] = set(self._sounds.get(key, ()))
        # Typos rarely hit the first letter: "functie" is no "punctie".
        for i in range(1, len(word) - 1):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if swapped in self._stems:
                candidates.add(swapped)
        if len(word) >= MIN_FUZZY - 1:
            for variant in {word, *_deletions(word)}:
                candidates |= self._fuzzy.get(variant, frozenset())
        # The same sound first ("depresie" is "depressie", not "depressief"), then the longest.
        for stem in sorted(candidates, key=lambda f: (_sound(f) != key, -len(f), f)):
            entry = self._stems[stem]
            if not _typo_target(entry) or (heads and not entry.flags & {"head", "compound"}):
                continue
            if _sound(stem) == key or (
                stem[0] == word[0] and _within_one_edit(word, stem, swap_only=len(stem) < MIN_FUZZY)
            ):
                return _Hit(entry.category, entry.suggestion, entry)
        return None

    def _fuzzy_compound(self, word: str) -> _Hit | None:
        """A medical first part and a typo in the last ("blaas|ontseking")."""
        for cut in range(MIN_PREFIX, len(word) - MIN_FUZZY + 2):
            hit = self._fuzzy_match(word[cut:], heads=True)
            if hit is not None and self._medical_prefix(word[:cut]) is not None:
                return hit
        return None

    # -- phrases ------------------------------------------------------------------

    def phrase(self, words: tuple[str, ...]) -> Entry | None:
        return self._phrases.get(words)


_SIDES = frozenset({"linker", "rechter", "links", "rechts"})


def _heads(entries: Iterable[Entry], category: str) -> frozenset[str]:
    """The forms of `category` entries that may end a longer word (flag head or compound)."""
    return frozenset(
        form
        for e in entries
        if e.category == category and e.flags & {"head", "compound"}
        for form in (e.key[0], *([] if "fixed" in e.flags else _inflections(e.key[0])))
    )


def _has_tail(word: str, heads: frozenset[str]) -> bool:
    """`word` is longer than one of `heads` and ends with it."""
    return any(word[cut:] in heads for cut in range(1, len(word)))


def _typo_target(entry: Entry) -> bool:
    return entry.reported and not entry.flags & {"context", "upper", "nofuzzy", "bound"}


def _compoundable(entry: Entry) -> bool:
    """Abbreviations that must be written in capitals never take part in a compound."""
    return entry.category not in ("allow", "domain") and "upper" not in entry.flags


@functools.lru_cache(maxsize=65_536)
def normalise(word: str) -> str:
    """Case-folded letters without accents, hyphens or apostrophes ("Knieën" -> "knieen")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if ch.isalpha())


@functools.lru_cache(maxsize=65_536)
def _sound(word: str) -> str:
    """`word` with Dutch spellings of one sound folded and double consonants single."""
    for spelling, sound in _SOUNDS:
        word = word.replace(spelling, sound)
    word = _DOUBLE_CONSONANT.sub(r"\1", word)
    return word[:-1] + "t" if word.endswith("d") else word  # "verstuikd", "covit"


def _inflections(stem: str) -> list[str]:
    forms = [stem + ending for ending in _ENDINGS]
    short_vowel = (
        len(stem) >= 3
        and stem[-1] not in _VOWELS
        and stem[-2] in _VOWELS
        and stem[-3] not in _VOWELS
    )
    if short_vowel:
        forms += [stem + stem[-1] + ending for ending in _DOUBLING_ENDINGS]
    return forms


def _verb_forms(infinitive: str) -> list[str]:
    """Present and past forms of a verb in -eren: "hyperventileert", "gehyperventileerd"."""
    root = infinitive[:-4] + "eer"  # hyperventil|eer
    participle = ("" if infinitive.startswith("ge") else "ge") + root + "d"
    return [root, root + "t", root + "de", root + "den", participle, participle + "e"]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _within_one_edit(a: str, b: str, *, swap_only: bool = False) -> bool:
    """Optimal string alignment distance <= 1 (an adjacent swap counts as one edit)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return not swap_only
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if swap_only:
        return False
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


# -- loading ----------------------------------------------------------------------


def _parse(path: pathlib.Path) -> list[Entry]:
    entries: list[Entry] = []
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = [column.strip() for column in line.split("\t")]
        where = f"{path}:{number}"
        if len(columns) < 2 or len(columns) > 4:
            raise LexiconError(f"{where}: expected term, category, suggestion, flags")
        term, category = columns[0], columns[1]
        suggestion = columns[2] if len(columns) > 2 and columns[2] not in ("", "-") else None
        flags = (
            frozenset(f.strip() for f in columns[3].split(",") if f.strip())
            if len(columns) > 3
            else frozenset()
        )
        if category not in CATEGORIES | MARKER_CATEGORIES:
            raise LexiconError(f"{where}: unknown category {category!r}")
        if flags - FLAGS:
            raise LexiconError(f"{where}: unknown flag(s) {', '.join(sorted(flags - FLAGS))}")
        # "dikke knie|enkel|voet" is short for three entries
        options = [part.split("|") for part in term.split()]
        if not options or not all(all(normalise(o) for o in opts) for opts in options):
            raise LexiconError(f"{where}: the term {term!r} has no letters")
        if category == "domain" and len(options) > 1:
            raise LexiconError(f"{where}: a domain entry is one word")
        for words in itertools.product(*options):
            key = tuple(normalise(word) for word in words)
            entries.append(Entry(" ".join(words), category, suggestion, flags, key))
    return entries


def load_lexicon(*paths: str | pathlib.Path) -> Lexicon:
    """The built-in lexicon plus extra files; a later entry for the same term replaces it."""
    entries: list[Entry] = []
    for path in (BUILTIN_FILE, *(pathlib.Path(p) for p in paths)):
        entries.extend(_parse(path))
    return Lexicon(tuple(entries))


@functools.cache
def default_lexicon() -> Lexicon:
    return load_lexicon()


# -- scanning ---------------------------------------------------------------------


@dataclass
class _Token:
    start: int
    end: int
    raw: str
    norm: str
    sentence: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    sentence, previous_end = 0, 0
    for match in _WORD.finditer(text):
        if _SENTENCE_END.search(text, previous_end, match.start()):
            sentence += 1
        previous_end = match.end()
        tokens.append(
            _Token(match.start(), match.end(), match.group(), normalise(match.group()), sentence)
        )
    return tokens


def scan(text: str, lexicon: Lexicon | None = None) -> list[Finding]:
    """Medical terms in `text`, sorted by start and never overlapping (longest match wins)."""
    lex = lexicon or default_lexicon()
    tokens = _tokens(text)
    taken = [False] * len(tokens)  # part of a phrase (medical or allowed)
    phrase_cues: set[int] = set()  # part of a complaint phrase ("doet zeer")
    spans: list[
        tuple[int, int, str, str | None]
    ] = []  # first token, last token, category, suggestion

    index = 0
    while index < len(tokens):
        if tokens[index].norm not in lex._phrase_starts:
            index += 1
            continue
        entry, size = None, 0
        key: tuple[str, ...] = (tokens[index].norm,)
        for end in range(index + 1, min(index + lex._max_phrase, len(tokens))):
            if tokens[end].sentence != tokens[index].sentence:
                break
            key += (tokens[end].norm,)
            found = lex.phrase(key)
            if found is not None:
                entry, size = found, len(key)
            if key not in lex._phrase_prefixes:
                break
        if entry is None:
            index += 1
            continue
        for offset in range(size):
            taken[index + offset] = entry.category != "cue"
            if entry.category != "allow":
                phrase_cues.add(index + offset)
        if entry.reported:
            spans.append((index, index + size - 1, entry.category, entry.suggestion))
        index += size

    hits: list[_Hit | None] = [
        None if taken[i] else lex.analyse(t.norm) for i, t in enumerate(tokens)
    ]
    ambiguous = False
    for i, hit in enumerate(hits):
        if hit is not None and "upper" in hit.entry.flags and not tokens[i].raw.isupper():
            hits[i] = None
        ambiguous = ambiguous or (hit is not None and hit.ambiguous)
    if ambiguous:  # "een virus op de computer", "de krukken in de kantine"
        topics = {
            t.sentence for i, t in enumerate(tokens) if not taken[i] and lex.is_domain(t.norm)
        }
        for i, hit in enumerate(hits):
            if hit is not None and hit.ambiguous and tokens[i].sentence in topics:
                hits[i] = None
    cues = [
        i in phrase_cues or (not taken[i] and (lex.is_cue(t.norm) or _hit_is_cue(hits[i])))
        for i, t in enumerate(tokens)
    ]
    # A body part found through a complaint word makes its neighbours medical too
    # ("last van zijn nek en schouders"), so resolve until nothing changes.
    pending = [i for i, hit in enumerate(hits) if hit is not None and hit.context]
    changed = True
    while changed:
        changed = False
        for i in pending:
            if not cues[i] and _in_context(i, hits[i], tokens, cues):  # type: ignore[arg-type]
                cues[i] = changed = True
    for i, hit in enumerate(hits):
        if hit is not None and (not hit.context or cues[i]):
            spans.append((i, i, hit.category, hit.suggestion))

    findings: list[Finding] = []
    for first, last, category, suggestion in sorted(spans):
        start, end = tokens[first].start, tokens[last].end
        if suggestion == "klachten" and first > 0:
            before = tokens[first - 1]
            if (
                before.norm == "een"
                and before.sentence == tokens[first].sentence
                and not text[before.end : start].strip()
                and not (findings and findings[-1].end > before.start)
            ):
                start = before.start
        findings.append(Finding(text[start:end], start, end, category, suggestion))
    return findings


def _hit_is_cue(hit: _Hit | None) -> bool:
    """Any medical word other than a bare body part makes nearby body parts medical."""
    return hit is not None and not hit.context


def _in_context(i: int, hit: _Hit, tokens: list[_Token], cues: list[bool]) -> bool:
    sentence = tokens[i].sentence
    if hit.det:
        before = tokens[i - 1] if i > 0 else None
        if before is None or before.sentence != sentence:
            return False
        if before.norm not in _DETERMINERS and not cues[i - 1]:
            return False
    low, high = max(0, i - CONTEXT_WINDOW), min(len(tokens), i + CONTEXT_WINDOW + 1)
    return any(cues[j] and tokens[j].sentence == sentence for j in range(low, high) if j != i)


def replace(text: str, findings: Sequence[Finding]) -> str:
    """`text` with every finding that has a suggestion replaced by it (first letter's case kept)."""
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.suggestion is None or finding.start < position:
            continue
        suggestion = finding.suggestion
        if finding.term[:1].isupper():
            suggestion = suggestion[:1].upper() + suggestion[1:]
        parts.append(text[position : finding.start])
        parts.append(suggestion)
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def terms(findings: Iterable[Finding]) -> list[str]:
    """The found words, for messages and tests."""
    return [finding.term for finding in findings]
