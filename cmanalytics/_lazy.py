"""A module loaded on first use, so that ``import cmanalytics`` does not pay for what a call may never need.

scipy's submodules cost more to import than numpy, scipy and pandas together: scipy.stats pulls in ndimage,
interpolate, integrate, sparse and spatial, and scipy.special, linalg and optimize load scipy's array-API layer,
which imports every numpy submodule (f2py, testing, polynomial...). ``import cmanalytics`` should add little
to ``import numpy, scipy, pandas`` (issue 13), so the numerics name these modules through
``lazy_module("scipy.special")``: a stand-in whose first attribute access imports the real module.
"""

from __future__ import annotations

import importlib
import types


class _LazyModule(types.ModuleType):
    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_module"] = None

    def _load(self):
        if self.__dict__["_module"] is None:
            self.__dict__["_module"] = importlib.import_module(self.__name__)
        return self.__dict__["_module"]

    def __getattr__(self, attr: str):
        # kept on the stand-in, so that later lookups are plain attribute reads (hot loops call special.ndtr)
        value = getattr(self._load(), attr)
        self.__dict__[attr] = value
        return value

    def __dir__(self):
        return dir(self._load())


def lazy_module(name: str) -> types.ModuleType:
    """The module ``name``, imported when one of its attributes is first asked for."""
    return _LazyModule(name)
