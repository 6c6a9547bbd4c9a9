"""Row rules of a normalised RPU passage, declared with pandera (polars backend).

Its own module: importing pandera costs about a second, paid only by a process reading RPU.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.rpu import CODES


class PassageUrgences(pa.DataFrameModel):
    """Row rules of a normalised RPU passage (pandera, polars backend)."""

    finess: str = pa.Field(str_length=9)
    entree: pl.Datetime = pa.Field(nullable=False)
    date_entree: pl.Date = pa.Field(nullable=False)
    sortie: pl.Datetime = pa.Field(nullable=True)
    age: pl.Int32 = pa.Field(nullable=True, ge=0, le=120)
    gravite: str = pa.Field(nullable=True, isin=CODES["gravite"])
    mode_sortie: str = pa.Field(nullable=True, isin=CODES["mode_sortie"])
    cp_residence: str = pa.Field(nullable=True, str_length=5)

    @pa.dataframe_check(error="SORTIE antérieure à ENTREE")
    def sortie_after_entree(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("sortie").is_null() | (pl.col("sortie") >= pl.col("entree"))
        )

    class Config:
        strict = False
        coerce = False
