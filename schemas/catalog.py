"""The catalogue of accepted export types, in the order their files are loaded."""

from __future__ import annotations

from schemas import rpu_csv
from schemas.base import FileType

FILE_TYPES: list[FileType] = [
    rpu_csv.FILE_TYPE,
]


def match(provider: str, name: str) -> tuple[FileType, object] | None:
    """The file type whose name pattern matches (case-insensitively) a file of that provider."""
    for file_type in FILE_TYPES:
        if file_type.provider == provider.lower():
            m = file_type.matches(name)
            if m:
                return file_type, m
    return None
