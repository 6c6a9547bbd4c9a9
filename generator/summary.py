"""What a generation wrote: one entry per file, with its row count."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WrittenFile:
    chemin: str  # relative to the output folder, POSIX separators
    type: str  # e.g. "rpu_csv", "pmsi", "cpam_patientele"
    lignes: int  # data rows (not headers, titles or notes)


@dataclass
class GenerationSummary:
    fichiers: list[WrittenFile] = field(default_factory=list)
    duree_s: float = 0.0

    def add(self, chemin: str, kind: str, lignes: int) -> None:
        self.fichiers.append(WrittenFile(chemin, kind, lignes))

    @property
    def files(self) -> list[WrittenFile]:
        """English alias of `fichiers`."""
        return self.fichiers

    @property
    def total_lignes(self) -> int:
        return sum(f.lignes for f in self.fichiers)

    def lignes_par_type(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for f in self.fichiers:
            counts[f.type] += f.lignes
        return dict(sorted(counts.items()))

    def texte(self) -> str:
        """A short French summary for the CLI."""
        lines = [f"{len(self.fichiers)} fichiers, {self.total_lignes} lignes"]
        lines += [f"  {kind} : {n}" for kind, n in self.lignes_par_type().items()]
        return "\n".join(lines)
