"""String similarity scorers by name, all on a 0..100 scale (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

Scorer = Callable[..., Any]


# rapidfuzz's fuzz.* score 0..100 in C; the distance module's scorers score 0..1.
SCORERS: Final[dict[str, Scorer]] = {
    "ratio": fuzz.ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "partial_ratio": fuzz.partial_ratio,
    "WRatio": fuzz.WRatio,
    "QRatio": fuzz.QRatio,
    "jaro_winkler": JaroWinkler.normalized_similarity,
    "levenshtein": Levenshtein.normalized_similarity,
    # Optimal string alignment: a swap of two neighbours ("925"/"952") is one edit.
    "osa": OSA.normalized_similarity,
}
# Scorers whose native scale is 0..1 and need x100 to match the rule file's 0..100.
UNIT_SCALE: Final = frozenset({"jaro_winkler", "levenshtein", "osa"})
