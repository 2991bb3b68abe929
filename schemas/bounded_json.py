"""JSON parsed with limits, for bytes from anyone: a poison input gets a ValueError
that says what is wrong, never a RecursionError or a 4,000-digit integer."""

import json
import re

MAX_DEPTH = 64  # no event or API body of ours nests half as deep
MAX_INT_DIGITS = 40  # amounts and counts; Decimal strings are not ints
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


def loads(raw: bytes, *, max_bytes: int | None = None, max_depth: int = MAX_DEPTH):
    """The parsed value, or ValueError naming the limit or the syntax error."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise ValueError(f"too large: {len(raw)} bytes, at most {max_bytes}")
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
        if deepest > max_depth:
            raise ValueError(f"nested deeper than {max_depth} levels")
    try:
        return json.loads(raw, parse_int=_int)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not JSON: not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    except RecursionError:  # a depth the scan above missed: still a clear refusal
        raise ValueError(f"nested deeper than {max_depth} levels") from None


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {digits} digits (at most {MAX_INT_DIGITS})")
    return int(text)
