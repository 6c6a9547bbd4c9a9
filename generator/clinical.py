"""Clinical code mixes (CIM-10, CCAM, GHM) and age pyramids, with plausible weights."""

from __future__ import annotations

import numpy as np
import polars as pl

# Emergency passages: (motif, DP, weight if sent home, weight if hospitalised).
ED_DIAGNOSES = [
    ("R104", "R104", 9.0, 5.0), ("S934", "S934", 7.0, 0.3), ("S6110", "S610", 6.0, 0.3),
    ("S0600", "S060", 3.0, 2.0), ("J069", "J069", 6.0, 0.3), ("R509", "R509", 5.0, 2.0),
    ("R074", "R074", 5.0, 4.0), ("R55", "R55", 4.0, 5.0), ("N390", "N390", 3.0, 4.0),
    ("A099", "A099", 4.0, 1.5), ("M545", "M545", 4.0, 0.5), ("S5250", "S525", 2.0, 2.5),
    ("S7200", "S720", 0.2, 6.0), ("J189", "J189", 0.8, 9.0), ("I509", "I509", 0.4, 7.0),
    ("K359", "K359", 0.3, 4.0), ("F100", "F100", 2.0, 2.0), ("H103", "H103", 2.5, 0.0),
    ("T784", "T784", 1.5, 0.5), ("R060", "R060", 2.0, 4.0), ("I639", "I639", 0.1, 4.5),
    ("J441", "J441", 0.5, 4.0), ("douleur dos", "M549", 1.0, 0.0),
    ("chute de sa hauteur a domicile", "W19", 1.0, 1.5), ("K590", "K590", 2.0, 0.2),
]
ED_ASSOCIATED = ["I10", "E119", "Z921", "E669", "F329", "K219", "Z733"]
ED_ACTS = ["DEQP003", "ZBQK002", "QZJA002", "NZQK001", "YYYY600", "MZQK002", "ZCQK002"]

# GHM families (5 characters, the 6th is the severity) with a typical DP.
MEDICINE = [  # (ghm root, dp, weight)
    ("04M05", "J189", 9), ("05M09", "I500", 1.6), ("04M20", "J441", 5), ("06M04", "K922", 3),
    ("11M04", "N390", 5), ("01M30", "I639", 5), ("05M04", "I209", 3), ("09M11", "L031", 2),
    ("18M07", "A419", 3), ("10M02", "E119", 2), ("23M03", "R53", 4), ("07M06", "K859", 2),
    ("05M08", "I10", 2), ("01M33", "G409", 2), ("16M11", "D649", 2),
]
EXCLUDED_CMD = [("14M02", "O210", 3), ("15M05", "Z380", 4)]  # obstetrics and newborns
OTHER_GHM = [  # surgery (C), interventional (K), sessions and palliative care (Z)
    ("08C48", "M161", 4), ("06C12", "K359", 3), ("05K10", "I251", 3), ("02C05", "H251", 6),
    ("28Z04", "Z491", 8), ("28Z07", "Z511", 6), ("11K02", "N200", 2), ("23Z02", "Z515", 1),
    ("08C24", "S720", 3), ("06K04", "K635", 5), ("09C05", "C509", 2), ("12C11", "N400", 1),
]

_AGES = np.arange(101)
# Emergency attendance by age: toddlers, young adults and the elderly come more.
_ED_HOME = np.interp(_AGES, [0, 2, 6, 15, 20, 30, 45, 60, 75, 85, 95, 100],
                     [3.0, 2.6, 1.3, 1.3, 1.6, 1.4, 1.2, 1.1, 1.1, 1.0, 0.3, 0.05])
_ED_HOSP = np.interp(_AGES, [0, 2, 15, 30, 50, 65, 75, 85, 95, 100],
                     [0.8, 0.4, 0.3, 0.4, 0.7, 1.3, 2.0, 2.4, 0.9, 0.1])
_STAYS = np.interp(_AGES, [0, 1, 5, 20, 40, 60, 70, 80, 90, 100],
                   [0.8, 0.3, 0.2, 0.3, 0.5, 1.0, 1.5, 1.8, 1.0, 0.1])


def draw_ages(rng: np.random.Generator, n: int, profile: str) -> np.ndarray:
    weights = {"ed_home": _ED_HOME, "ed_hosp": _ED_HOSP, "stays": _STAYS}[profile]
    return rng.choice(_AGES, size=n, p=weights / weights.sum())


def pick(rng: np.random.Generator, items: list, weights: np.ndarray | list, n: int) -> np.ndarray:
    """Indices of `n` items drawn with `weights`."""
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(items), size=n, p=w / w.sum())


def choice(rng: np.random.Generator, codes: list, probs: list[float], n: int) -> np.ndarray:
    """`n` codes (object array, None allowed) drawn with probabilities `probs`."""
    arr = np.empty(len(codes), dtype=object)
    arr[:] = codes
    p = np.asarray(probs, dtype=float)
    return arr[rng.choice(len(codes), size=n, p=p / p.sum())]


def strings(values: np.ndarray) -> pl.Series:
    """A polars string Series from a numpy array where None means empty."""
    return pl.Series(values.tolist(), dtype=pl.String)
