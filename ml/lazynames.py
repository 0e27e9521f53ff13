"""Names a package gives without importing their modules until first used
(PEP 562), so a light import of the package stays light."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, modules: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module-level __getattr__ for `package`: a name of `modules` (name ->
    the module that defines it) is imported on first use and kept in
    `namespace` (the package's globals())."""

    def load(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return load
