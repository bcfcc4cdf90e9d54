"""Exceptions that the CLI turns into one clear line and exit code 2."""
from __future__ import annotations


class ReadmitError(Exception):
    """A user-facing error: the CLI prints its message and exits with 2."""


class StructuralError(ReadmitError):
    """The extract cannot be read at all: a missing file or required column,
    an empty or unreadable file. Nothing is written when this is raised."""


class ParameterError(ReadmitError):
    """A parameter is out of range or unknown (a negative cost, an unknown
    distribution, a reduction outside 0-1, ...)."""


class MissingTableError(ReadmitError):
    """An analysis needs a table the extract does not have (no ``akuttkontakter``
    or ``handlingsplaner`` file, or one with a header and no rows)."""
