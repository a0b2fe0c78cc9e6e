"""Uploaded photos and files: their type and size are checked before anything is stored."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# Documents are recognised by their first bytes, not by the name the sender gave them.
FILE_SIGNATURES = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".docx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".doc": (b"\xd0\xcf\x11\xe0", "application/msword"),
    ".xls": (b"\xd0\xcf\x11\xe0", "application/vnd.ms-excel"),
}


def check_photo(upload) -> str:
    """The photo's content type; a ValidationError when it is too large or not a JPEG, PNG or WebP image."""
    _check_size(upload, settings.GRIDGOV_MAX_PHOTO_BYTES)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("“%(name)s” is not a photo GridGov accepts (JPEG, PNG or WebP).") % {"name": upload.name},
            code="invalid_photo",
        ) from error
    finally:
        upload.seek(0)
    if kind not in PHOTO_TYPES:
        raise ValidationError(
            _("“%(name)s” is not a photo GridGov accepts (JPEG, PNG or WebP).") % {"name": upload.name},
            code="invalid_photo",
        )
    return PHOTO_TYPES[kind]


def check_file(upload) -> str:
    """The document's content type; a ValidationError unless it is a PDF, Word or Excel file of allowed
    size."""
    _check_size(upload, settings.GRIDGOV_MAX_FILE_BYTES)
    suffix = Path(upload.name).suffix.lower()
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    signature = FILE_SIGNATURES.get(suffix)
    if signature is None or not head.startswith(signature[0]):
        raise ValidationError(
            _("“%(name)s” is not a file GridGov accepts (PDF, Word or Excel).") % {"name": upload.name},
            code="invalid_file",
        )
    return signature[1]


def _check_size(upload, limit: int) -> None:
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def served(stored, *, as_attachment: bool = False) -> FileResponse:
    """A stored photo or file (a row with `file`, `name` and `content_type`) sent to a reader the caller
    has checked may see it: from storage, never a link into MEDIA_URL, cached privately; a file missing
    from storage is a 404. Pages and the API serve through this alike."""
    try:
        content = stored.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        content, content_type=stored.content_type, as_attachment=as_attachment, filename=stored.name
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
