"""Import every course module package and register its blueprint (its tools)."""

from __future__ import annotations

import hashlib
import importlib
import logging
import sys
import types
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask

from elearn.coursemodules.loader import discover, module_url_prefix, read_manifest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tool:
    endpoint: str
    title: str


def _package_for(courses_dir: Path) -> str:
    """A private parent package per courses directory, so modules import cleanly."""
    digest = hashlib.sha1(str(courses_dir.resolve()).encode()).hexdigest()[:8]
    name = f"elearn_courses_{digest}"
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(courses_dir.resolve())]
        sys.modules[name] = package
    return name


def register_modules(app: Flask) -> None:
    """Register each module's blueprint under /courses/<slug>/tools."""
    courses_dir = Path(app.config["ELEARN_COURSES_DIR"])
    tools: dict[str, list[Tool]] = {}
    app.extensions["elearn_course_tools"] = tools
    if not courses_dir.is_dir():
        log.warning("Course directory %s does not exist", courses_dir)
        return
    parent = _package_for(courses_dir)
    reserved = set(app.blueprints)
    for path in discover(courses_dir):
        try:
            slug = read_manifest(path)["slug"]
            module = importlib.import_module(f"{parent}.{path.name}")
        except Exception:
            # A broken module must not take the site down; `flask courses validate` says why.
            log.exception("Could not load course module %s", path)
            continue
        blueprint = getattr(module, "blueprint", None)
        if not isinstance(blueprint, Blueprint):
            continue
        if blueprint.name in reserved:
            log.error("Course module %s: blueprint name %r is taken", path.name, blueprint.name)
            continue
        reserved.add(blueprint.name)
        app.register_blueprint(blueprint, url_prefix=module_url_prefix(slug))
        tools[slug] = [
            Tool(endpoint=f"{blueprint.name}.{endpoint}", title=title)
            for endpoint, title in getattr(module, "TOOLS", [])
        ]


def tools_for(app: Flask, slug: str) -> list[Tool]:
    return app.extensions.get("elearn_course_tools", {}).get(slug, [])
