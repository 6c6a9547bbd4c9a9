"""Residence of a patient: INSEE code, or postal code + commune name (exports.md, Residence).

Two forms with one meaning: `resolver()` answers for one value (generator, single cells);
`with_communes` resolves a whole frame by joins against reference frames prepared once per
process (`prepared()`), with the commune-name normaliser written as polars expressions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property

import polars as pl

from cpts.labels import PY_WHITESPACE, commune_name_expr, non_ascii_chars, normalise_commune_name
from warehouse import reference


@dataclass(frozen=True)
class Residence:
    """A resolved residence: the commune when known, else the territory a postal code implies."""

    commune: str | None
    territoire_cp: str | None = None  # territory wholly containing the postal code


@dataclass
class ResidenceResolver:
    known_insee: set[str] = field(default_factory=set)
    parent_of: dict[str, str] = field(default_factory=dict)
    by_cp_name: dict[tuple[str, str], str] = field(default_factory=dict)
    territory_of_cp: dict[str, str] = field(default_factory=dict)

    def commune_from_insee(self, code: str | None) -> str | None:
        """A valid COG code, mapped to its parent when associated/delegated/arrondissement."""
        if not code:
            return None
        code = code.strip().upper().zfill(5)
        if code in self.parent_of:
            return self.parent_of[code]
        return code if code in self.known_insee else None

    def resolve(self, cp: str | None, name: str | None, insee: str | None = None) -> Residence:
        commune = self.commune_from_insee(insee)
        if commune:
            return Residence(commune)
        cp = (cp or "").strip().zfill(5) if cp and cp.strip() else ""
        if not cp:
            return Residence(None)
        commune = self.by_cp_name.get((cp, normalise_commune_name(name)))
        if commune:
            return Residence(commune)
        return Residence(None, self.territory_of_cp.get(cp))


@cache
def resolver() -> ResidenceResolver:
    """The resolver built once from the committed reference data."""
    communes = reference.communes()
    known = set(communes.filter(pl.col("type_commune") == "COM")["code_insee"].to_list())
    parents = {
        row["code_insee"]: row["code_parent"]
        for row in communes.filter(
            pl.col("type_commune").is_in(["COMA", "COMD", "ARM"])
        ).iter_rows(named=True)
        if row["code_parent"]
    }
    libelle = dict(zip(communes["code_insee"], communes["libelle"], strict=True))
    by_cp_name: dict[tuple[str, str], str] = {}
    for row in reference.postal_codes().iter_rows(named=True):
        code = parents.get(row["code_insee"], row["code_insee"])
        for name in (row["nom_commune"], row["ligne_5"], libelle.get(row["code_insee"])):
            if name:
                by_cp_name.setdefault((row["code_postal"], normalise_commune_name(name)), code)
    return ResidenceResolver(known, parents, by_cp_name, wholly_inside_postal_codes())


def wholly_inside_postal_codes() -> dict[str, str]:
    """Postal codes all of whose communes belong to one territory → that territory."""
    terr = reference.territories().select("territoire", "code_insee")
    cps = reference.postal_codes().select("code_postal", "code_insee").unique()
    joined = cps.join(terr, on="code_insee", how="left")
    inside = (
        joined.group_by("code_postal")
        .agg(pl.col("territoire").n_unique().alias("n"), pl.col("territoire").null_count().alias("out"),
             pl.col("territoire").drop_nulls().first().alias("territoire"))
        .filter((pl.col("out") == 0) & (pl.col("n") == 1))
    )
    return dict(zip(inside["code_postal"], inside["territoire"], strict=True))


_COMMUNE_TYPES = ["COMA", "COMD", "ARM"]


@dataclass(frozen=True)
class Table:
    """A reference frame sorted on its key column, for joins by binary search."""

    keys: pl.Series
    values: pl.Series

    def join(self, frame: pl.LazyFrame, key: str, out: str) -> pl.LazyFrame:
        """`frame` plus `out`, the value whose key equals column `key` (else null): a left join on
        the sorted reference by binary search. polars' hash join would hash the whole reference
        again for every file, and it does not share a repeated sub-expression, hence the steps."""
        at, keys = pl.col("_res_at"), pl.lit(self.keys)
        return frame.with_columns(keys.search_sorted(pl.col(key)).clip(0, self.keys.len() - 1)
                                  .alias("_res_at")).with_columns(
            pl.when(keys.gather(at) == pl.col(key)).then(pl.lit(self.values).gather(at)).alias(out)
        ).drop("_res_at")

    @staticmethod
    def of(frame: pl.DataFrame, key: str, value: str) -> Table:
        frame = frame.select(key, value).sort(key)
        return Table(frame[key], frame[value])


@dataclass(frozen=True)
class Prepared:
    """The resolver's tables as frames: INSEE code → commune (parents applied), (postal code,
    normalised name) → commune (first match wins, as the resolver's `setdefault`), and the
    territory of the postal codes wholly inside one."""

    by_insee: pl.DataFrame  # code, commune
    by_name: pl.DataFrame  # code_postal, nom, commune
    territory_of_cp: pl.DataFrame  # code_postal, territoire

    @cached_property
    def insee(self) -> Table:
        return Table.of(self.by_insee, "code", "commune")

    @cached_property
    def names(self) -> Table:
        return Table.of(self.by_name.with_columns(key=_name_key(pl.col("code_postal"), pl.col("nom"))),
                        "key", "commune")

    @cached_property
    def territories(self) -> Table:
        return Table.of(self.territory_of_cp, "code_postal", "territoire")


def _name_key(cp: pl.Expr, name: pl.Expr) -> pl.Expr:
    # Normalised names hold no `|` (punctuation became spaces): the pair is unambiguous.
    return pl.concat_str([cp, name], separator="|")


_ready: Prepared | None = None


def prepared() -> Prepared:
    """Built once per process from the committed reference data, unless the process that started
    this one handed its own over (`adopt`)."""
    global _ready
    if _ready is None:
        _ready = _build()
    return _ready


def handed_over() -> Prepared:
    """`prepared()` with its lookup tables built, for the processes this one starts (`adopt`):
    0.1 s each of them no longer spends on its first file."""
    ready = prepared()
    _ = ready.insee, ready.names, ready.territories  # cached properties: built here, pickled along
    return ready


def adopt(ready: Prepared) -> None:
    global _ready
    _ready = ready


def _build() -> Prepared:
    communes = reference.communes()
    parents = communes.filter(pl.col("type_commune").is_in(_COMMUNE_TYPES)
                              & (pl.col("code_parent").fill_null("") != "")).select(
        code="code_insee", parent="code_parent").unique("code", keep="last", maintain_order=True)
    known = communes.filter(pl.col("type_commune") == "COM").select(code="code_insee").unique()
    by_insee = pl.concat([
        parents.select("code", commune="parent"),
        known.join(parents, on="code", how="anti").select("code", commune="code"),
    ])
    libelle = communes.select("code_insee", "libelle").unique("code_insee", keep="last", maintain_order=True)
    postal = reference.postal_codes().with_row_index("_row").join(
        libelle, on="code_insee", how="left").join(
        parents, left_on="code_insee", right_on="code", how="left").with_columns(
        commune=pl.coalesce("parent", "code_insee"))
    names = pl.concat([
        postal.select("_row", "code_postal", "commune", nom=column, _rank=pl.lit(rank))
        for rank, column in enumerate(["nom_commune", "ligne_5", "libelle"])
    ]).filter(pl.col("nom").fill_null("") != "")
    names = names.with_columns(nom=commune_name_expr(pl.col("nom"), non_ascii_chars(names["nom"])))
    by_name = names.sort("_row", "_rank").unique(["code_postal", "nom"], keep="first", maintain_order=True)
    inside = wholly_inside_postal_codes()
    territory = pl.DataFrame({"code_postal": list(inside), "territoire": list(inside.values())},
                             schema={"code_postal": pl.String, "territoire": pl.String})
    return Prepared(by_insee, by_name.select("code_postal", "nom", "commune"), territory)


def insee_key(expr: pl.Expr) -> pl.Expr:
    """The INSEE code as `commune_from_insee` looks it up."""
    return expr.str.strip_chars(PY_WHITESPACE).str.to_uppercase().str.zfill(5)


def postal_key(expr: pl.Expr) -> pl.Expr:
    """The postal code as `resolve` looks it up; null when blank."""
    stripped = expr.str.strip_chars(PY_WHITESPACE)
    return pl.when(stripped != "").then(stripped.str.zfill(5))


def with_communes(frame: pl.DataFrame | pl.LazyFrame, out: str, *, cp: str | None = None,
                  name: str | None = None, insee: str | None = None,
                  territory: str | None = None) -> pl.LazyFrame:
    """`frame` plus `out`, the commune `resolver().resolve(cp, name, insee)` gives each row, and
    `territory`, its `territoire_cp`, when asked; by joins on the prepared reference.

    Rows share few distinct keys (a file's patients come from a few hundred communes): each
    distinct key is resolved once, then joined back to the rows (eagerly for a frame)."""
    keys = [c for c in dict.fromkeys((cp, name, insee)) if c]
    distinct = frame.lazy().select(keys).unique()
    if isinstance(frame, pl.DataFrame):
        distinct = distinct.collect().lazy()
    chars = non_ascii_chars(distinct.select(pl.col(name)).collect().to_series()) if name else []
    resolved = _resolved(distinct, cp=cp, name=name, insee=insee, chars=chars,
                         territory=territory is not None)
    if isinstance(frame, pl.DataFrame):
        resolved = resolved.collect()
    joined = frame.join(resolved, on=keys, how="left", nulls_equal=True,  # type: ignore[arg-type]
                        maintain_order="left")
    named = {out: "_res_out", **({territory: "_res_territory"} if territory else {})}
    joined = joined.with_columns(pl.col(found).alias(column) for column, found in named.items())
    return joined.lazy().drop(named.values())


def _resolved(keys: pl.LazyFrame, *, cp: str | None, name: str | None, insee: str | None,
              chars: Iterable[str], territory: bool) -> pl.LazyFrame:
    """The distinct `keys` with their commune (`_res_out`) and, if asked, the territory of the
    postal code when no commune is found (`_res_territory`), by the reference's sorted tables."""
    ref, lazy, found = prepared(), keys, []
    if insee:
        lazy = ref.insee.join(lazy.with_columns(_res_insee=insee_key(pl.col(insee))), "_res_insee", "_res_c1")
        found.append("_res_c1")
    if cp:
        names = pl.col(name) if name else pl.lit(None, pl.String)
        lazy = lazy.with_columns(_res_cp=postal_key(pl.col(cp))).with_columns(
            _res_key=_name_key(pl.col("_res_cp"), commune_name_expr(names, chars)))
        lazy = ref.names.join(lazy, "_res_key", "_res_c2")
        found.append("_res_c2")
    lazy = lazy.with_columns((pl.coalesce(found) if found else pl.lit(None, pl.String)).alias("_res_out"))
    if territory:
        assert cp, "the territory of a postal code needs the postal code"
        lazy = ref.territories.join(lazy, "_res_cp", "_res_t").with_columns(
            pl.when(pl.col("_res_out").is_null()).then(pl.col("_res_t")).alias("_res_territory"))
    return lazy.select(*keys.collect_schema().names(), "_res_out",
                       *(["_res_territory"] if territory else []))
