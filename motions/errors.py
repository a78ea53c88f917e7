"""One exception family for every mistake a user can make.

Each class carries a stable exit code (documented in the README) and a message
written as a sentence that says what is wrong and how to fix it. They all derive
from ``click.ClickException`` so that click prints ``Error: ...`` and exits with
the code, without a traceback (MkDocs' habit). Library code raises them; only the
CLI prints.
"""

from __future__ import annotations

import click


class MotionsError(click.ClickException):
    """Base class: a user-facing error, printed as one message."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)


class UsageError(MotionsError):
    """An option or argument given on the command line is not acceptable."""

    exit_code = 2


class CommuneNotFound(MotionsError):
    """No commune matches the query; the message lists the nearest names."""

    exit_code = 3


class AmbiguousCommune(MotionsError):
    """Several communes share the name; the message lists them and how to choose."""

    exit_code = 4


class LibraryError(MotionsError):
    """The argument library, its sources or its templates have problems.

    ``problems`` holds every problem found, each already prefixed with its
    ``file:line``; they are reported all at once.
    """

    exit_code = 5

    def __init__(self, problems: list[str], header: str | None = None):
        self.problems = list(problems)
        n = len(self.problems)
        head = header or f"the library has {n} problem{'s' if n != 1 else ''}:"
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))


class UnknownItem(MotionsError):
    """A motion template, argument or theme id that the library does not hold."""

    exit_code = 6


class TemplateError(MotionsError):
    """A template failed to render (unsafe access, undefined name, syntax)."""

    exit_code = 7


class FactsError(MotionsError):
    """The local facts file is malformed or fails validation."""

    exit_code = 8


class OutputError(MotionsError):
    """An output cannot be written: folder not writable, disk full, or a file
    the user edited that would be overwritten without ``--force``."""

    exit_code = 9


class UnsupportedCommune(MotionsError):
    """The motion cannot be drafted lawfully for this commune (the CGCT does not
    apply there, or applies differently)."""

    exit_code = 10


class FitError(MotionsError):
    """A flyer's text does not fit its format within the allowed adjustments."""

    exit_code = 11


class SystemDependencyError(MotionsError):
    """A system library that WeasyPrint needs is missing."""

    exit_code = 12


class StrictWarnings(MotionsError):
    """``--strict``: warnings were raised about the user's own files."""

    exit_code = 13


class BatchFailed(MotionsError):
    """Some communes of a batch failed; the others were written. The exit code
    is that of the failures when they all share one (e.g. 10 when overseas
    communes were refused), else 14."""

    exit_code = 14

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class Interrupted(MotionsError):
    """Ctrl-C or SIGTERM: the command stopped, leaving no partial file."""

    exit_code = 130

    def __init__(self, message: str = "interrupted; no partial file was left. Run the command again to finish.",
                 code: int = 130):
        super().__init__(message)
        self.exit_code = code


EXIT_CODES = {
    cls.__name__: cls.exit_code
    for cls in (
        MotionsError,
        UsageError,
        CommuneNotFound,
        AmbiguousCommune,
        LibraryError,
        UnknownItem,
        TemplateError,
        FactsError,
        OutputError,
        UnsupportedCommune,
        FitError,
        SystemDependencyError,
        StrictWarnings,
        BatchFailed,
    )
}
