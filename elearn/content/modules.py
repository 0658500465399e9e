"""Finding course modules, registering their tools, and listing their packages.

See `elearn.modules` for the interface modules implement. Each tool blueprint is
mounted at /tools/<module name>/; the tools are then known by id ("<module>.<tool>").
A broken module is logged and left out: it must not take the site down
(`flask courses validate` says what is wrong).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import logging
import sys
import types
from dataclasses import replace
from pathlib import Path

from flask import Flask, current_app

from elearn.modules import (
    ENTRY_POINT_GROUP,
    SUPPORTED_API_VERSIONS,
    CourseModule,
    InstalledTool,
)

log = logging.getLogger(__name__)


class ModuleProblem(Exception):
    """A course module could not be loaded; the message says why."""


def _parent_package(courses_dir: Path) -> str:
    """A private parent package per courses directory, so modules import cleanly."""
    digest = hashlib.sha1(str(courses_dir.resolve()).encode()).hexdigest()[:8]
    name = f"elearn_courses_{digest}"
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(courses_dir.resolve())]
        sys.modules[name] = package
    return name


def _check(declared: object, origin: str) -> CourseModule:
    if not isinstance(declared, CourseModule):
        raise ModuleProblem(f"{origin}: has no `module = CourseModule(...)`")
    if declared.api_version not in SUPPORTED_API_VERSIONS:
        raise ModuleProblem(
            f"{origin}: written for module interface {declared.api_version}; "
            f"this platform supports {sorted(SUPPORTED_API_VERSIONS)}"
        )
    return declared


def discover(courses_dir: Path, entry_points: bool = True) -> tuple[list[CourseModule], list[str]]:
    """Modules in `courses_dir` (one package per folder) and from installed entry points."""
    found: list[CourseModule] = []
    problems: list[str] = []
    if courses_dir.is_dir():
        parent = _parent_package(courses_dir)
        for path in sorted(courses_dir.iterdir()):
            if not (path.is_dir() and (path / "__init__.py").is_file()):
                continue
            try:
                imported = importlib.import_module(f"{parent}.{path.name}")
                declared = _check(getattr(imported, "module", None), str(path))
            except ModuleProblem as exc:
                problems.append(str(exc))
                continue
            except Exception as exc:  # a broken module must not take the site down
                log.exception("Could not load course module %s", path)
                problems.append(f"{path}: could not be imported: {exc!r}")
                continue
            found.append(replace(declared, root=path))
    if entry_points:
        for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            try:
                declared = _check(entry.load(), f"entry point {entry.name}")
                root = Path(sys.modules[entry.module].__file__ or ".").parent
            except ModuleProblem as exc:
                problems.append(str(exc))
                continue
            except Exception as exc:
                log.exception("Could not load course module entry point %s", entry.name)
                problems.append(f"entry point {entry.name}: could not be loaded: {exc!r}")
                continue
            found.append(declared if declared.root else replace(declared, root=root))
    names: dict[str, CourseModule] = {}
    unique: list[CourseModule] = []
    for module in found:
        if module.name in names:
            problems.append(f"module name '{module.name}' is used twice")
            continue
        names[module.name] = module
        unique.append(module)
    return unique, problems


def register_modules(app: Flask) -> None:
    """Register each module's blueprint under /tools/<name>/ and index its tools."""
    modules, problems = discover(Path(app.config["ELEARN_COURSES_DIR"]))
    for problem in problems:
        log.error("Course module problem: %s", problem)
    registered: dict[str, CourseModule] = {}
    tools: dict[str, InstalledTool] = {}
    reserved = set(app.blueprints)
    for module in modules:
        blueprint = module.blueprint
        if blueprint is not None:
            if blueprint.name in reserved:
                log.error(
                    "Course module %s: blueprint name %r is taken", module.name, blueprint.name
                )
                continue
            reserved.add(blueprint.name)
            app.register_blueprint(blueprint, url_prefix=f"/tools/{module.name}")
            for tool in module.tools:
                tool_id = f"{module.name}.{tool.name}"
                tools[tool_id] = InstalledTool(
                    id=tool_id,
                    title=tool.title,
                    description=tool.description,
                    endpoint=f"{blueprint.name}.{tool.endpoint}",
                )
        registered[module.name] = module
    app.extensions["elearn_modules"] = registered
    app.extensions["elearn_tools"] = tools


def installed_tools() -> dict[str, InstalledTool]:
    return current_app.extensions.get("elearn_tools", {})


def tools_for(tool_ids: tuple[str, ...] | list[str]) -> list[InstalledTool]:
    """The installed tools among a course's tool ids, in the course's order."""
    known = installed_tools()
    return [known[t] for t in tool_ids if t in known]
