"""Bounds on what a user, or a hostile library, can make motions read and render.

Argument packs and templates circulate between collectives, so every file
motions reads may have been written to hurt: a device (``/dev/zero`` never
ends), a FIFO (reading it blocks for ever), a file of gigabytes, a YAML alias
bomb (391 bytes that expand to hundreds of millions of values), a word of
thousands of letters that WeasyPrint takes tens of seconds to break. Each rule
is here, with its bound as a named constant, and says in a sentence what was
refused and why.

This module imports nothing heavy (no click, no pydantic): the commune lookup
and the YAML loader use it on every command.
"""

from __future__ import annotations

import os
import stat

#: A facts file is a page of YAML; the scaffold with every example is 7 KB.
MAX_FACTS_BYTES = 256 * 1024
#: One argument, source list or template of the library (the largest shipped
#: file, a bibliography, is about 60 KB).
MAX_LIBRARY_FILE_BYTES = 2 * 1024 * 1024
#: A list of communes for ``batch --communes`` (all 34,969 by name: ~600 KB).
MAX_COMMUNE_LIST_BYTES = 4 * 1024 * 1024

#: How many values YAML aliases may add to a document once expanded. Aliases
#: are legitimate (a shared list of topics), but each one is expanded by
#: everything that walks the data (validation, line maps, hashing): a bound this
#: small costs nothing to a real file and stops a bomb at once.
MAX_YAML_ALIAS_EXPANSION = 10_000

#: A text field of a facts file: a name, a phrase, a source with its URL.
MAX_FACTS_FIELD_CHARS = 2_000
#: The longest "word" (run of characters without a space) in a rendered text
#: field. French words stay under 30 letters; a long URL stays under 200. A
#: 5,000-character word takes WeasyPrint 23 s to break across lines.
MAX_WORD_CHARS = 200


def read_user_file(path, what: str, max_bytes: int, error=None) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes`` bytes.

    ``what`` names the file in messages ("facts file", "argument file"). A
    folder, a device, a FIFO or a socket is refused before it is opened for
    reading (so ``/dev/zero`` and a FIFO never block), and checked again on the
    open file, so that it can't be swapped in between. ``error`` is the
    :class:`~motions.errors.MotionsError` subclass to raise (default
    ``MotionsError``); each message names the file and says what to do.
    """
    from .errors import MotionsError

    error = error or MotionsError
    path = os.fspath(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror}).") from None
    _check_kind(path, what, st, max_bytes, error)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror}).") from None
    try:
        _check_kind(path, what, os.fstat(fd), max_bytes, error)
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 16, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror}).") from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise error(_too_big(path, what, size, max_bytes))
    try:
        return b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: the {what} is not UTF-8 text (byte {exc.start + 1} is not); save it as UTF-8.") from None


def _check_kind(path: str, what: str, st: os.stat_result, max_bytes: int, error) -> None:
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise error(f"{path}: is a folder, not a {what}; give the file itself.")
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise error(f"{path}: is {kind}, not a {what}; motions only reads regular files.")
    if st.st_size > max_bytes:
        raise error(_too_big(path, what, st.st_size, max_bytes))


def _too_big(path: str, what: str, size: int, max_bytes: int) -> str:
    return (f"{path}: the {what} is {_size(size)}, more than the {_size(max_bytes)} a {what} may have; "
            "check that it is the right file.")


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MB".replace(".0 MB", " MB")
    if n >= 1 << 10:
        return f"{n // (1 << 10)} KB"
    return f"{n} bytes"


def check_text(text: str, max_chars: int = MAX_FACTS_FIELD_CHARS, max_word: int = MAX_WORD_CHARS) -> str | None:
    """None if ``text`` may be rendered; else a sentence saying what is too long.

    Two bounds: the total length, and the longest run of characters without a
    space (a "word"), which is what makes line breaking slow. The sentence
    starts with a lower-case letter, for callers to prefix with file:line and
    the field's name.
    """
    if len(text) > max_chars:
        return (f"the text has {number(len(text))} characters, more than the {number(max_chars)} a field may have; "
                "shorten it (put the details in the source it cites)")
    longest = _longest_word(text, max_word)
    if longest > max_word:
        return (f"it holds a word of {longest} characters without a space, more than {max_word}; "
                "break it with spaces (a long URL: give the page's address, shortened)")
    return None


def number(n: int) -> str:
    """12,345: English digit grouping, for messages."""
    return f"{n:,}"


def _longest_word(text: str, stop: int) -> int:
    """The length of the longest run without white space (stops counting past ``stop``)."""
    if len(text) <= stop:
        return 0
    longest = 0
    for word in text.split():
        if len(word) > longest:
            longest = len(word)
            if longest > stop:
                break
    return longest
