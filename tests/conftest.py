"""Shared fixtures: test libraries chosen by a marker, and a guard on warnings.

- Every test runs in its own working directory, with HOME, MOTIONS_LIBRARY and
  SOURCE_DATE_EPOCH cleared, and the on-disk cache off: no test depends on the
  working directory, the network or the real HOME.
- Every test fails on a warning it did not expect (WeasyPrint's
  ``assert_no_logs`` habit): declare expected ones with
  ``@pytest.mark.warns("pattern", ...)`` (regular expressions).
- ``@pytest.mark.library("small")`` picks the test library under
  ``tests/roots/<name>/`` for the ``resources`` and ``lib`` fixtures (Sphinx's
  ``testroot`` habit); without it they give the shipped library.
- ``@pytest.mark.slow`` marks the slow tests: ``pytest -m "not slow"`` runs
  the rest in about a minute.

Helpers (running the CLI, reading DOCX and PDF as a user's tools would) are
in ``tests/helpers.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOTS = Path(__file__).parent / "roots"


def pytest_configure(config):
    config.addinivalue_line("markers", "library(name, shipped_arguments=True): the test library tests/roots/<name>")
    config.addinivalue_line("markers", "warns(*patterns): warnings this test expects (regular expressions)")
    config.addinivalue_line("markers", "slow: a slow test (deselect with -m 'not slow')")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("MOTIONS_NO_CACHE", "1")
    monkeypatch.delenv("MOTIONS_LIBRARY", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _no_unexpected_warnings(request):
    """Fail the test on any warning of the "motions" logger it did not declare."""
    from motions import log

    collector = log.install(log.Collector())
    yield collector
    log.uninstall(collector)
    marker = request.node.get_closest_marker("warns")
    allowed = [re.compile(p) for p in (marker.args if marker else ())]
    unexpected = [m for m in collector.messages if not any(p.search(m) for p in allowed)]
    if unexpected and not request.node.get_closest_marker("any_warnings"):
        pytest.fail("unexpected warning(s):\n  " + "\n  ".join(unexpected), pytrace=False)


@pytest.fixture
def warnings_seen(_no_unexpected_warnings):
    """The warnings emitted so far in this test (declare them with @pytest.mark.warns)."""
    return _no_unexpected_warnings


_LOADED: dict = {}


def _load(name: str | None, shipped_arguments: bool):
    from motions.library import load_library

    key = (name, shipped_arguments)
    if key not in _LOADED:
        _LOADED[key] = load_library(ROOTS / name if name else None, with_cwd=False,
                                    shipped_arguments=shipped_arguments)
    return _LOADED[key]


@pytest.fixture
def lib(request):
    """The library the test's ``library`` marker names (the shipped one by default)."""
    marker = request.node.get_closest_marker("library")
    name = marker.args[0] if marker and marker.args else None
    shipped = marker.kwargs.get("shipped_arguments", True) if marker else True
    return _load(name, shipped)


@pytest.fixture
def resources(lib):
    """Fresh Resources over that library (loaded once per session), timestamps fixed."""
    import datetime as dt

    from motions.resources import Resources

    return Resources(lib, now=dt.datetime(2026, 11, 29, 12, 0, 0))


@pytest.fixture(scope="session")
def shipped_resources():
    """One warm Resources over the shipped library for the whole session (read-only use)."""
    import datetime as dt

    from motions.resources import Resources

    return Resources(_load(None, True), now=dt.datetime(2026, 11, 29, 12, 0, 0))


@pytest.fixture(scope="session")
def small_lib():
    """The small test library (tests/roots/small), loaded once."""
    return _load("small", True)


@pytest.fixture(scope="session")
def shipped_lib():
    return _load(None, True)
