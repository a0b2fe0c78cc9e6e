"""The one writer of case timelines (backbone decision 4): every service appends through `record`."""

from django.utils import timezone

from .models import Case, CaseAttachment, CaseEvent


def record(
    case: Case,
    *,
    action: str,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
    at=None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
        created_at=at or timezone.now(),
    )


def attach(event: CaseEvent, *, photos=(), files=(), actor=None) -> list[CaseAttachment]:
    """Store uploads already checked by `apps.core.uploads` (photos and files as (upload, content type))."""
    attachments = []
    for kind, uploads in (("photo", photos), ("file", files)):
        for upload, content_type in uploads:
            attachment = CaseAttachment(
                case_id=event.case_id,
                event=event,
                kind=kind,
                name=upload.name[:200],
                content_type=content_type,
                size=upload.size,
                uploaded_by=actor,
            )
            attachment.file.save(upload.name, upload, save=False)
            attachment.save()
            attachments.append(attachment)
    return attachments
