"""The vocabulary of the similarity: synonyms and umbrella terms (pure functions, no database).

The platform's defaults are in vocabulary.yaml beside this module; an agency adds its own words
(caseapp.disclosure.models.VocabularyEntry, the admin page and `caseapp vocabulary-import`). It is
applied when two requests are compared, not when they are indexed, so that an office's new word
counts for every request at once.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from caseapp.disclosure.normalise import clean

KINDS = ("synonym", "umbrella")


@dataclass(frozen=True)
class Entry:
    kind: str  # synonym: every variant reads as the term; umbrella: the term covers its parts
    term: str
    variants: tuple[str, ...]


@dataclass
class Vocabulary:
    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        replacements: dict[str, str] = {}
        umbrellas: dict[str, set[str]] = {}
        for e in self.entries:
            term = clean(e.term)
            if e.kind == "synonym":
                umbrellas.setdefault(term, set()).add(term)
                for v in e.variants:
                    v = clean(v)
                    if v and v != term:
                        replacements[v] = term
            else:
                umbrellas.setdefault(term, set()).add(term)
                for v in e.variants:
                    if clean(v) and clean(v) != term:
                        umbrellas.setdefault(clean(v), set()).add(f"{term}>{clean(v)}")
        self._replacements = replacements
        self._umbrellas = umbrellas
        keys = sorted(replacements, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
        ukeys = sorted(umbrellas, key=len, reverse=True)
        self._umbrella_pattern = re.compile("|".join(map(re.escape, ukeys))) if ukeys else None

    def apply(self, text: str) -> tuple[str, frozenset[str]]:
        """The text with every synonym read as its term, and the terms it names: a synonym's term, an
        umbrella term named as such, or ``term>part`` for a part of one."""
        concepts: set[str] = set()
        if self._pattern is not None:
            text = self._pattern.sub(lambda m: self._replacements[m.group(0)], text)
        if self._umbrella_pattern is not None:
            for m in self._umbrella_pattern.finditer(text):
                concepts.update(self._umbrellas[m.group(0)])
        return text, frozenset(concepts)

    def merged(self, extra: Iterable[Entry]) -> "Vocabulary":
        return Vocabulary([*self.entries, *extra])


def parse_variants(text: str) -> tuple[str, ...]:
    """Variants as an office types them: separated by 、，,；; or new lines."""
    return tuple(dict.fromkeys(v.strip() for v in re.split(r"[、，,；;\n]+", text or "") if v.strip()))


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    data = yaml.safe_load((Path(__file__).with_name("vocabulary.yaml")).read_text(encoding="utf-8"))
    entries = [Entry(kind, term, tuple(variants)) for kind, key in (("synonym", "synonyms"), ("umbrella", "umbrella"))
               for term, variants in (data.get(key) or {}).items()]
    return Vocabulary(entries)


def shared_concepts(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """The terms two requests share: the same term or part, or an umbrella against one of its parts
    (三公经费 against 公务接待费); two different parts of one umbrella are not shared."""
    a, b = set(a), set(b)
    out = {c.split(">")[0] if ">" in c else c for c in a & b}
    for x, y in ((a, b), (b, a)):
        for c in x:
            if ">" not in c and any(p.startswith(c + ">") for p in y):
                out.add(c)
    return sorted(out)
