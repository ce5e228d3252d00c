"""String similarity scorers by name, all on a 0..100 scale (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np
import numpy.typing as npt
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
    # Edits counted, not normalised by length: "12"/"13" is one edit like "1200"/"1300".
    "edits": OSA.distance,
}
# Scorers whose native scale is 0..1 and need x100 to match the rule file's 0..100.
UNIT_SCALE: Final = frozenset({"jaro_winkler", "levenshtein", "osa"})
# Scorers that count edits; scored as 100 - 10 per edit (0 edits 100, one edit 90, ...).
EDIT_COUNT: Final = frozenset({"edits"})


def to_scale(scorer: str, raw: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """A scorer's raw results on the rule file's 0..100 scale (higher is more alike)."""
    if scorer in UNIT_SCALE:
        return raw * 100.0
    if scorer in EDIT_COUNT:
        return np.maximum(0.0, 100.0 - 10.0 * raw)
    return raw
