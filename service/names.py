"""A recording's file name as one line of text: for email headers, log lines and audit records.

A file system allows almost anything in a name: line breaks, tabs, escape sequences, and (on
Linux) bytes that are not UTF-8, which Python holds as lone surrogates that no encoder accepts.
"""

from __future__ import annotations

import re

# C0 and C1 controls and the Unicode line/paragraph separators: each would end or corrupt a line.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Lone surrogates: what Python makes of a file name's bytes that are not UTF-8.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_UNSAFE = re.compile(f"{_CONTROLS.pattern}|{_SURROGATES.pattern}")


def one_line(text: str) -> str:
    """`text` as readable words on one line: each run of control characters becomes one space,
    bytes that were not UTF-8 become U+FFFD, and nothing is cut (``"a\\r\\tb"`` -> ``"a b"``)."""
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub(" ", text)).strip()


def visible(text: str) -> str:
    """`text` on one line with each control character and undecodable byte shown escaped
    (``"a\\nb"`` -> ``"a\\\\nb"``): the exact name stays readable, and no line is forged."""
    return _UNSAFE.sub(_escaped, text)


def without_surrogates(text: str) -> str:
    """`text` encodable as UTF-8: undecodable bytes shown escaped, line breaks kept (multi-line text)."""
    return _SURROGATES.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")
