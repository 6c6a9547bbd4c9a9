"""Streaming CSV writer (`;` or a producer's separator) with the providers' dialect variations
(exports.md §0)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl


@dataclass(frozen=True)
class CsvStyle:
    encoding: str = "utf-8"  # "utf-8", "utf-8-sig" (BOM) or "cp1252"
    crlf: bool = False
    header_case: str = "lower"  # "lower", "upper" or "title"
    pad_headers: bool = False  # surrounding spaces around some header names
    shuffle: bool = False  # column order differs from the documented one
    extra: Mapping[str, str | None] = field(default_factory=dict)  # extra columns and value
    null_token: str | None = None  # written instead of an empty value, for a share of them
    null_rate: float = 0.0
    separator: str = ";"  # `,` for a regional platform's export (exports.md « Separators »)
    rename: Mapping[str, str] = field(default_factory=dict)  # column → producer's header (synonyms)


def _header(name: str, style: CsvStyle, index: int) -> str:
    if name in style.rename:
        return style.rename[name]
    if style.header_case == "upper":
        name = name.upper()
    elif style.header_case == "title":
        name = name[:1].upper() + name[1:]
    if style.pad_headers and index % 3 == 1:
        name = f" {name} "
    return name


class CsvWriter:
    """Writes chunks (polars frames of strings, null = empty) to one file, never all at once."""

    def __init__(
        self,
        path: Path,
        columns: Sequence[str],
        style: CsvStyle,
        rng: np.random.Generator,
        required: Sequence[str] = (),
    ) -> None:
        order = list(columns)
        if style.shuffle:
            order = [order[i] for i in rng.permutation(len(order))]
        for pos, name in zip(rng.integers(0, len(order) + 1, len(style.extra)), style.extra,
                             strict=True):
            order.insert(int(pos), name)
        self.path, self.columns, self.style, self.rng = path, order, style, rng
        self.required = set(required)
        self.rows = 0
        self._file = path.open("wb")
        if style.encoding == "utf-8-sig":
            self._file.write(b"\xef\xbb\xbf")
        self._emit(style.separator.join(_header(c, style, i) for i, c in enumerate(order)) + "\n")

    def _emit(self, text: str) -> None:
        if self.style.crlf:
            text = text.replace("\n", "\r\n")
        encoding = "utf-8" if self.style.encoding == "utf-8-sig" else self.style.encoding
        self._file.write(text.encode(encoding))

    def _nulls_as_tokens(self, df: pl.DataFrame) -> pl.DataFrame:
        token, rate = self.style.null_token, self.style.null_rate
        if not token or rate <= 0:
            return df
        exprs = []
        for name in df.columns:
            if name in self.required:
                continue
            hit = pl.Series(self.rng.random(df.height) < rate)
            exprs.append(
                pl.when(pl.col(name).is_null() & hit).then(pl.lit(token))
                .otherwise(pl.col(name)).alias(name)
            )
        return df.with_columns(exprs) if exprs else df

    def write(self, df: pl.DataFrame) -> None:
        if df.is_empty():
            return
        extras = [pl.lit(v, dtype=pl.String).alias(k) for k, v in self.style.extra.items()]
        df = self._nulls_as_tokens(df.with_columns(extras)).select(self.columns)
        self._emit(df.write_csv(separator=self.style.separator, include_header=False, null_value=""))
        self.rows += df.height

    def close(self) -> int:
        self._file.close()
        return self.rows
