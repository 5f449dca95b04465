"""Attachment checks: the file type is recognised by content, never by name; images are
re-encoded without metadata; an optional virus scanner (clamd) looks at every upload.

Pure functions on bytes; the service ``services.attachment_add`` calls them.
"""

from __future__ import annotations

import io
import re
import socket
import struct
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from rathaus.core.errors import RathausError

from .constants import AttachmentErrorCode
from .models import AttachmentKind

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Largest image accepted (pixels): far above any scan or photo, far below a decompression bomb.
MAX_IMAGE_PIXELS = 60_000_000
# Names of PDF actions that run code or open other programs. A heuristic: names inside
# compressed object streams are not seen; the virus scanner is the second line of defence.
PDF_ACTIVE_NAMES = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Files carried inside a PDF (attachment annotations, the embedded-files name tree).
PDF_EMBEDDED_NAMES = re.compile(rb"/(?:EmbeddedFiles?|FileAttachment)(?![A-Za-z0-9])")
# Markup a browser would render if the file were ever taken for HTML: a PDF/HTML polyglot.
PDF_MARKUP = re.compile(rb"<\s*(?:html|head|body|script|iframe|svg|object|embed|!doctype)\b", re.I)
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class AttachmentError(RathausError):
    """A refused attachment (codes: ``AttachmentErrorCode``; labels use ``params``)."""

    codes = AttachmentErrorCode


def size_label(size: int) -> str:
    return str(filesizeformat(size))


# --- recognising and cleaning ---------------------------------------------------------------
def sniff(data: bytes) -> str | None:
    """The attachment kind from the first bytes, or None."""
    if data.startswith(PDF_MAGIC):
        return AttachmentKind.PDF
    if data.startswith(JPEG_MAGIC):
        return AttachmentKind.JPEG
    if data.startswith(PNG_MAGIC):
        return AttachmentKind.PNG
    return None


def _pdf_check(data: bytes) -> bytes:
    if not re.match(rb"%PDF-[12]\.\d", data[:8]):
        raise AttachmentError(AttachmentErrorCode.UNSUPPORTED_TYPE)
    tail = data[-2048:]
    if b"%%EOF" not in tail or b"startxref" not in tail:
        raise AttachmentError(AttachmentErrorCode.DAMAGED)
    unescaped = PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    if PDF_ACTIVE_NAMES.search(unescaped) or PDF_MARKUP.search(data):
        raise AttachmentError(AttachmentErrorCode.ACTIVE_CONTENT)
    if PDF_EMBEDDED_NAMES.search(unescaped):
        raise AttachmentError(AttachmentErrorCode.EMBEDDED_FILES)
    return data


def _image_clean(data: bytes, kind: str) -> bytes:
    """Decode the image fully and encode it again: drops EXIF (GPS), XMP, comments and anything
    hidden after the image data. The EXIF orientation is applied first so photos stay upright."""
    expected = "JPEG" if kind == AttachmentKind.JPEG else "PNG"
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != expected:
                raise AttachmentError(AttachmentErrorCode.UNSUPPORTED_TYPE)
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise AttachmentError(AttachmentErrorCode.TOO_LARGE, max_size=_("60 megapixels"))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
    except AttachmentError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise AttachmentError(AttachmentErrorCode.DAMAGED) from exc
    out = io.BytesIO()
    if kind == AttachmentKind.JPEG:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        clean = Image.new(image.mode, image.size)
        clean.paste(image)
        clean.save(out, format="JPEG", quality=90, optimize=True)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            image = image.convert("RGBA")
        clean = Image.new(image.mode, image.size)
        if image.mode == "P":
            clean.putpalette(image.getpalette())
            if "transparency" in image.info:
                clean.info["transparency"] = image.info["transparency"]
        clean.paste(image)
        save_args = {}
        if "transparency" in clean.info:
            save_args["transparency"] = clean.info["transparency"]
        clean.save(out, format="PNG", optimize=True, **save_args)
    return out.getvalue()


def content_check(data: bytes) -> tuple[str, bytes]:
    """(kind, bytes to store) for an acceptable file; raises ``AttachmentError`` otherwise.

    PDFs are kept as they are (after the header, trailer and active-content checks); images are
    replaced by a clean re-encoding."""
    if not data:
        raise AttachmentError(AttachmentErrorCode.EMPTY)
    kind = sniff(data)
    if kind is None:
        raise AttachmentError(AttachmentErrorCode.UNSUPPORTED_TYPE)
    if kind == AttachmentKind.PDF:
        return kind, _pdf_check(data)
    return kind, _image_clean(data, kind)


# --- virus scanning ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""


class ScannerUnavailable(Exception):
    """The scanner could not give an answer; the upload is refused (fail closed)."""


class VirusScanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...


class ClamdScanner:
    """Talks to clamd over its Unix socket with the INSTREAM command."""

    chunk_size = 64 * 1024

    def __init__(self, socket_path: str, *, timeout: float = 30.0):
        self.socket_path = socket_path
        self.timeout = timeout

    def scan(self, data: bytes) -> ScanResult:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(self.timeout)
                conn.connect(self.socket_path)
                conn.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), self.chunk_size):
                    chunk = data[start : start + self.chunk_size]
                    conn.sendall(struct.pack("!L", len(chunk)) + chunk)
                conn.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = conn.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as exc:
            raise ScannerUnavailable(str(exc)) from exc
        answer = reply.rstrip(b"\0").decode("utf-8", errors="replace")
        if answer.endswith(" FOUND"):
            signature = answer.removeprefix("stream:").removesuffix(" FOUND").strip()
            return ScanResult(infected=True, signature=signature)
        if answer.endswith(" OK"):
            return ScanResult(infected=False)
        raise ScannerUnavailable(answer or "no answer")


class EicarTestScanner:
    """Test double: flags the EICAR anti-virus test string anywhere in the file."""

    def scan(self, data: bytes) -> ScanResult:
        if EICAR in data:
            return ScanResult(infected=True, signature="Eicar-Test-Signature")
        return ScanResult(infected=False)


def scanner_get() -> VirusScanner | None:
    """``settings.ATTACHMENT_SCANNER`` (a dotted class path) if set, else clamd when
    ``settings.CLAMD_SOCKET`` is set, else no scanner."""
    dotted = getattr(settings, "ATTACHMENT_SCANNER", "")
    if dotted:
        return import_string(dotted)()
    if getattr(settings, "CLAMD_SOCKET", ""):
        return ClamdScanner(settings.CLAMD_SOCKET)
    return None


def virus_check(data: bytes) -> None:
    scanner = scanner_get()
    if scanner is None:
        return
    try:
        result = scanner.scan(data)
    except ScannerUnavailable as exc:
        raise AttachmentError(AttachmentErrorCode.SCAN_FAILED) from exc
    if result.infected:
        raise AttachmentError(AttachmentErrorCode.INFECTED)
