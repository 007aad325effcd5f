"""ehub.hub: Python face of the C++ namespace ``ehub::hub`` (see docs/scenario.md, docs/devices.md).

Device types written in Python take part in scenarios and dispatch like built-in ones: subclass
:class:`Device` (or write any class with ``ports()`` and ``formulate(builder)``) and register it
with :func:`register_device_type`; see examples/python_device.py and docs/python.md.
"""
from . import _core
from ._reexport import reexport

__all__ = reexport(globals(), _core.hub) + ["Device", "register_device_type"]


class Device:
    """Base class of a device type written in Python.

    A scenario creates one instance per device entry as ``cls(name, spec, series)``: ``spec`` is
    the device's JSON object as a dict, ``series`` a :class:`SeriesSource` that turns a member
    (number, inline array, name in the scenario's ``series`` table, ``{csv, column}``) into one
    value per step of the horizon and raises errors that name the JSON path
    (``series.error("capacity_kw", "must be > 0")``). Validate parameters in ``__init__``: a
    ``ValueError`` becomes an ``ehub.InputError`` naming the device, a ``KeyError`` "required key is
    missing" at that key.

    Override :meth:`ports` (``[(name, carrier, direction), ...]`` with carrier one of electricity,
    heat, cooling, gas, diesel, hydrogen and direction output, input or bidirectional) and
    :meth:`formulate`, which adds per-step variables, rows, port flows and costs through the
    :class:`Builder` (valid during that call only). Set ``renewable = True`` for a producer whose
    output counts as green. ``ports()`` and ``renewable`` are read once, when the device is created.
    """

    #: True for a renewable producer: its output counts as green.
    renewable: bool = False

    def __init__(self, name: str, spec: dict, series) -> None:
        self.name = name
        self.spec = spec

    def ports(self):
        """The ports as (name, carrier, direction) tuples, in a fixed order."""
        raise NotImplementedError(f"{type(self).__name__}.ports()")

    def formulate(self, b) -> None:
        """Add this device's variables, rows, port flows and costs through the Builder ``b``."""
        raise NotImplementedError(f"{type(self).__name__}.formulate(builder)")


def register_device_type(type_name: str, factory, description: str = "") -> None:
    """Register (or replace) a device type implemented in Python under ``type_name``.

    factory: a :class:`Device` subclass, or any callable ``factory(name, spec, series)`` returning
    an object with ``ports()`` and ``formulate(builder)``. Scenarios then accept
    ``{"type": type_name, ...}`` in JSON and from Python; the type is known in this process only, so
    register it in every worker process too (e.g. at import of the module that defines it) before
    unpickling scenarios there. ``ehub.hub.device_types()`` lists it.
    """
    if not description:
        doc = (getattr(factory, "__doc__", None) or "").strip()
        description = doc.splitlines()[0] if doc else f"Python device type {type_name}"
    _core.hub._register_python_device_type(type_name, factory, description)
