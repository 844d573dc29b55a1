"""Text out of mail bytes: charsets that lie, and quoted history that repeats itself.

Pure functions; none of them raises on bad input.
"""

from __future__ import annotations

import codecs
import re

# Names mail clients put in Content-Type that Python knows by another name, or that a
# superset decodes better (GB2312 mail is usually GBK; "Latin-1" mail is usually cp1252).
CHARSET_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "x-mac-roman": "mac_roman",
    "iso-8859-8-i": "iso-8859-8",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
}
# Characters PostgreSQL refuses in text (NUL) and other controls that only hurt display.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a declared charset, or None when it is unknown or missing."""
    if not charset:
        return None
    name = CHARSET_ALIASES.get(charset.strip().strip("\"'").lower(), charset.strip().lower())
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode `data`: as UTF-8 when the bytes are valid UTF-8, else the declared charset
    if the bytes fit it, else cp1252.

    Senders routinely declare one charset and write another (or declare "x-unknown"), so
    a declared charset that fails strictly is not trusted; bytes that are valid UTF-8
    and not plain ASCII are almost never another charset. Never raises.
    """
    declared = codec_for(charset)
    wide = declared is not None and declared.startswith(("utf-16", "utf-32", "utf-7"))
    candidates = [declared, "utf-8"] if wide else ["utf-8", declared]
    for codec in candidates:
        if codec is None:
            continue
        try:
            return printable(data.decode(codec))
        except (UnicodeDecodeError, LookupError):
            continue
    return printable(data.decode("cp1252", errors="replace"))


def printable(text: str) -> str:
    """Text safe to store and show: smuggled raw bytes (surrogate escapes) decoded as
    UTF-8 or cp1252, NUL and other control characters removed."""
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        raw = text.encode("utf-8", "surrogateescape")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROLS.sub("", text)


# --- Quoted history -----------------------------------------------------------------------

# Lines that start the quoted history in replies from common clients and languages.
_QUOTE_HEADERS = [
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^\s*Le\b.{0,300}\ba écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.{0,100}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*El\b.{0,300}\bescribió:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),  # Outlook
    re.compile(r"^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{20,}\s*$"),  # Outlook on the web's rule above the From: block
]
_FROM_BLOCK = re.compile(r"^\s*\*?(From|De|Von|Van)\s*:\*?\s", re.IGNORECASE)
_BLOCK_FIELDS = re.compile(
    r"^\s*\*?(Sent|Date|To|Subject|Envoyé|Gesendet|Objet)\s*:", re.IGNORECASE
)


def _starts_history(lines: list[str], index: int) -> bool:
    line = lines[index]
    if any(pattern.match(line) for pattern in _QUOTE_HEADERS):
        return True
    # Gmail wraps "On <date>, <name> <address>" and "wrote:" over two lines.
    if index + 1 < len(lines) and re.match(r"^\s*On\b", line, re.IGNORECASE):
        joined = f"{line} {lines[index + 1]}"
        if _QUOTE_HEADERS[0].match(joined):
            return True
    # Outlook's plain block: "From: …" followed closely by "Sent:"/"Date:" and "Subject:".
    if _FROM_BLOCK.match(line):
        following = lines[index + 1 : index + 5]
        return sum(1 for nxt in following if _BLOCK_FIELDS.match(nxt)) >= 2
    return False


def trim_quoted(text: str) -> str:
    """The new words of a reply: the text above the quoted history ("On … wrote:",
    "-----Original Message-----", an Outlook "From:/Sent:" block) and without trailing
    ">"-quoted lines. When that leaves nothing, the whole text is kept: a message is
    never stored empty because it looked like a quote."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for index in range(len(lines)):
        if index > 0 and _starts_history(lines, index):
            cut = index
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()
