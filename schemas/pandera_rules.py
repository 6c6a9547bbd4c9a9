"""Row rules declared with pandera (polars backend), evaluated in one polars plan per file.

pandera validates column by column and check by check, each in its own query (~35 per RPU file).
The checks it declares are pure polars, so `validate_rows` first evaluates them all at once through
pandera's own check backend; only a file that fails one of them goes through pandera's validation,
which then reports exactly what pandera reports. Imported by the readers that validate with pandera
only: importing pandera costs about a second.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

# What pandera's polars backends import when first registered (0.2 s): imported with this module,
# so a reading process inherits them from the fork server instead of paying them on its first file.
from pandera.backends.polars import builtin_checks, components, container  # noqa: F401
from pandera.backends.polars.checks import PolarsCheckBackend
from pandera.backends.polars.register import register_polars_backends
from pandera.config import CONFIG, get_config_context
from pandera.constants import CHECK_OUTPUT_KEY
from pandera.errors import SchemaErrors

from schemas.base import Reject, rejects_from_pandera


def validate_rows(model: type[pa.DataFrameModel], frame: pl.DataFrame,
                  messages: dict[str, str]) -> list[Reject]:
    """The row rejects pandera's validation of `frame` against `model` gives (none when it passes)."""
    if not CONFIG.use_narwhals_backend:  # pandera's polars checks, before the schema is built
        register_polars_backends(use_narwhals_backend=False)
    if passes(model.to_schema(), frame):
        return []
    try:
        model.validate(frame, lazy=True)
    except SchemaErrors as exc:
        return rejects_from_pandera(exc, frame, messages)
    return []


def passes(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> bool:
    """True when pandera's validation would find nothing: columns present with their dtypes, and
    every declared check and non-nullable column true on every row, evaluated in one query.
    False when something fails, or when the schema uses features this shortcut does not mirror."""
    if not get_config_context().validation_enabled:
        return True
    if CONFIG.use_narwhals_backend or not _plain(schema):
        return False
    lazy, outcomes = frame.lazy(), []
    for name, column in schema.columns.items():
        if name not in frame.columns or not _plain_column(column):
            return False
        if column.dtype is not None and not column.dtype.check(
                frame.schema[name], PolarsData(lazy.select(name), name)):
            return False
        if not column.nullable:
            not_null = pl.col(name).is_not_null()
            if frame.schema[name].is_float():
                not_null = not_null & pl.col(name).is_not_nan()
            outcomes.append(lazy.select(not_null.all()))
        outcomes += [_outcome(check, lazy, name) for check in column.checks]
    outcomes += [_outcome(check, lazy, None) for check in schema.checks]
    if any(o is False for o in outcomes):
        return False
    queries = [o.rename({o.collect_schema().names()[0]: f"_{i}"})
               for i, o in enumerate(outcomes) if isinstance(o, pl.LazyFrame)]
    return not queries or all(pl.concat(queries, how="horizontal").collect().row(0))


def _outcome(check: pa.Check, lazy: pl.LazyFrame, key: str | None) -> pl.LazyFrame | bool:
    """Whether a check holds on every row, as pandera's check backend decides it (nulls pass when
    the check ignores them), left as a one-value query."""
    if check.groupby is not None or check.raise_warning:
        return False
    output = PolarsCheckBackend(check).apply(PolarsData(lazy, key or "*"))
    if isinstance(output, bool):
        return output
    result = pl.col(CHECK_OUTPUT_KEY)
    result = (result | result.is_null()) if check.ignore_na else result.fill_null(False)
    return output.select(result.all())


def _plain(schema: pa.DataFrameSchema) -> bool:
    return not (schema.unique or schema.parsers or schema.coerce or schema.strict
                or schema.ordered or schema.add_missing_columns or schema.drop_invalid_rows)


def _plain_column(column: pa.Column) -> bool:
    return not (column.regex or column.unique or column.coerce or column.parsers
                or column.default is not None or column.drop_invalid_rows or not column.required)
