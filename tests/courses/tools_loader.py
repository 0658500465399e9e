"""Load a course module's tools.py straight from its file (no Flask, no app needed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

COURSES = Path(__file__).resolve().parents[2] / "courses"


def load_tools(module: str) -> ModuleType:
    name = f"_{module}_tools_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, COURSES / module / "tools.py")
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded  # dataclasses need the module registered
    spec.loader.exec_module(loaded)
    return loaded
