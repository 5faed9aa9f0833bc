"""Text in the form the store keeps."""

from __future__ import annotations


def utf8_safe(text: str) -> str:
    """``text`` without lone surrogates, which JSON can carry (an emoji cut in half) and UTF-8 cannot.

    Keys are computed over this form, the form the store keeps, so a key never fails to compute.
    """
    if text.isascii():  # O(1) in CPython: most text needs no check at all
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text
