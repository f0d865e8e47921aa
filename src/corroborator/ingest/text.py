"""Turning the bytes of a text file into text.

A byte-order mark decides first: UTF-8, UTF-16 (LE/BE) and UTF-32 (LE/BE) files that start
with one are decoded in that encoding (a UTF-16 or UTF-32 text is full of NUL bytes, so
without this it would look binary). Bytes without a BOM are decoded as UTF-8 when they are
UTF-8, else in the encoding charset-normalizer detects.
"""

from __future__ import annotations

import codecs
import logging

from corroborator.errors import InputError

logger = logging.getLogger(__name__)

# Below this share of printable characters a decoded file is binary after all.
_MIN_PRINTABLE = 0.95
# Line breaks and tabs are layout, not binary noise.
_LAYOUT = str.maketrans("\n\t", "  ")
#: Byte-order marks and the codec each one means. UTF-32 LE comes before UTF-16 LE: its
#: BOM (FF FE 00 00) starts with the UTF-16 LE one (FF FE).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)


#: The most common encoding of Western news that is not UTF-8.
WESTERN = "cp1252"

def decode(raw: bytes, name: str) -> str:
    """Decode bytes by their byte-order mark, as UTF-8 when they are, else as the detected encoding.

    Line endings become ``\\n``; a BOM is not part of the text.

    Raises:
        InputError: The bytes are binary, or no encoding fits them.
    """
    return decode_with_encoding(raw, name)[0]


def decode_with_encoding(raw: bytes, name: str) -> tuple[str, str]:
    """Like :func:`decode`, also returning the codec used (without the BOM: ``"utf-16-le"``).

    Raises:
        InputError: The bytes are binary, or no encoding fits them.
    """
    text, encoding = _bom_decode(raw, name)
    if encoding in ("", "utf-8") and b"\x00" in raw[:8192]:
        # NUL bytes are binary, except in UTF-16 and UTF-32, whose BOM said so.
        raise InputError(name, "binary file (contains NUL bytes)")
    if text is None:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _detect_and_decode(raw, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:20000].translate(_LAYOUT)
    # Fast path: nearly every real report is printable through and through.
    if sample and not sample.isprintable() and sum(map(str.isprintable, sample)) / len(sample) < _MIN_PRINTABLE:
        raise InputError(name, "binary file (mostly unprintable characters)")
    if not text.strip():
        raise InputError(name, "empty file (only white space)")
    return text, encoding


def bom_encoding(raw: bytes) -> tuple[str, str, int] | None:
    """The ``(codec, label, BOM length)`` the bytes' byte-order mark names, or None."""
    for bom, codec, label in BOMS:
        if raw.startswith(bom):
            return codec, label, len(bom)
    return None


def _bom_decode(raw: bytes, name: str) -> tuple[str | None, str]:
    """Decode by the byte-order mark: ``(None, "")`` when there is none."""
    found = bom_encoding(raw)
    if found is None:
        return None, ""
    codec, label, size = found
    try:
        return raw[size:].decode(codec), codec
    except UnicodeDecodeError as exc:
        if codec == "utf-32-le":
            # FF FE 00 00 is also a UTF-16 LE BOM followed by a NUL character.
            try:
                return raw[2:].decode("utf-16-le"), "utf-16-le"
            except UnicodeDecodeError:
                pass
        raise InputError(name, f"undecodable: starts with a {label} byte-order mark but is not {label} "
                               f"(byte {exc.start + size}: {exc.reason})") from exc


def _detect_and_decode(raw: bytes, name: str) -> tuple[str, str]:
    """Decode non-UTF-8 bytes with the encoding charset-normalizer finds."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise InputError(name, "undecodable: not UTF-8 and no other text encoding fits")
    text, encoding = str(best), best.encoding
    # On short texts the detector may take a Western text for a DOS code page ("Z³rich"):
    # Windows-1252 wins when it reads with fewer symbols stuck inside words.
    if encoding != WESTERN and (garbled := _symbols_in_words(text)):
        try:
            western = raw.decode(WESTERN)
        except UnicodeDecodeError:
            western = None
        if western is not None and _symbols_in_words(western) < garbled:
            text, encoding = western, WESTERN
    logger.info("%s: decoded as %s", name, encoding)
    return text, encoding


def _symbols_in_words(text: str) -> int:
    """How many non-ASCII characters that are not letters stand between two letters."""
    return sum(1 for i in range(1, len(text) - 1)
               if text[i] > "\x7f" and not text[i].isalpha() and text[i - 1].isalpha() and text[i + 1].isalpha())
