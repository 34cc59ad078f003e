"""Email addresses checked before anything is sent to them. Standard library only."""

from __future__ import annotations

import re

# A bare address (no display name): printable local part without separators, and an ASCII domain
# of dot-separated labels. Strict on purpose: CR/LF, commas and angle brackets would let one
# configured "address" add recipients or headers.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def check_address(value: object) -> str:
    """Return `value` as an email address, or raise ValueError saying why it is not one.

    Args:
        value: What a configuration file gave (expected: a string such as "marie@cabinet.fr").

    Returns:
        The address, stripped of surrounding spaces.

    Raises:
        ValueError: not a string, or not a plain ``local@domain`` address.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected an email address as a string, got {type(value).__name__}")
    address = value.strip()
    if not _ADDRESS.match(address) or ".." in address or address.startswith(".") or ".@" in address:
        raise ValueError(f"{value!r} is not a valid email address (expected name@domain.tld, no display name)")
    return address


def same_address(a: str, b: str) -> bool:
    """Whether two addresses name the same mailbox (domains are case-insensitive, local parts compared as-is)."""
    local_a, _, domain_a = a.rpartition("@")
    local_b, _, domain_b = b.rpartition("@")
    return local_a == local_b and domain_a.lower() == domain_b.lower()
