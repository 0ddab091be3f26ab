"""Frameworks shipped with ParIndex, kept as YAML files beside this module."""

from __future__ import annotations

from pathlib import Path

from parindex.frameworks.spec import FrameworkSpec
from parindex.frameworks.yaml_io import load_yaml

LIBRARY = Path(__file__).resolve().parent
COMMUNE_2025 = "par-xa-2025.yaml"


def shipped(name: str = COMMUNE_2025) -> FrameworkSpec:
    """A shipped framework by its file name."""
    return load_yaml((LIBRARY / name).read_bytes())


def shipped_names() -> list[str]:
    return sorted(p.name for p in LIBRARY.glob("*.yaml"))
