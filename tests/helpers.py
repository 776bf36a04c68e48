"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations


def write(path, data: str | bytes) -> str:
    """Write a test input (text as UTF-8, or bytes as given), making its folders; its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return str(path)
