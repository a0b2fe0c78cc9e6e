"""The outside channels a notification travels on, besides the in-app inbox.

A channel is a small class: a `name` (stored on each `Delivery`), `applies_to(user)` (can this person be
reached this way at all?) and `send(notification)`, which raises `DeliveryError` when the message did not
go out; the delivery is then retried with backoff (`apps.notifications.tasks.deliver`).

settings.NOTIFICATION_CHANNELS lists the dotted paths of the channels in use. To add SMS or WeChat:

    class SmsChannel(Channel):
        name = "sms"

        def applies_to(self, user) -> bool:
            return bool(user.mobile)              # wherever the number is kept

        def send(self, notification) -> None:
            try:
                gateway.send(notification.recipient.mobile, notification.title)
            except GatewayError as error:
                raise DeliveryError(str(error)) from error

and append "path.to.SmsChannel" to NOTIFICATION_CHANNELS. A WeChat channel (公众号 template message or
企业微信) looks the same, with the user's openid. `send` runs inside the transaction that holds the
delivery's row lock, so it is called at most once at a time per delivery; it should time out well within
CELERY_TASK_SOFT_TIME_LIMIT. A message the gateway accepted but whose acknowledgement was lost (a worker
killed between the two) is sent again: an outside system cannot take part in our transaction.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """The channel could not deliver the notification this time; the message is kept as the last error."""


class Channel:
    """The interface of a channel; subclass it and list the subclass in settings.NOTIFICATION_CHANNELS."""

    name: str = ""

    def applies_to(self, user) -> bool:
        raise NotImplementedError

    def send(self, notification) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    """E-mail through Django's mail backend (settings.EMAIL_*), to users who have an address."""

    name = "email"

    def applies_to(self, user) -> bool:
        return bool(user.email)

    def send(self, notification) -> None:
        lines = [notification.body] if notification.body else []
        if notification.link:
            lines.append(urljoin(settings.GRIDGOV_BASE_URL, notification.link))
        # A header cannot hold a line break; the title is one line in the inbox too.
        subject = " ".join(notification.title.split())
        try:
            send_mail(
                subject=subject,
                message="\n\n".join(lines),
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
        except OSError as error:  # smtplib's errors and refused or timed-out connections
            raise DeliveryError(f"{error.__class__.__name__}: {error}") from error


def configured_channels() -> list[Channel]:
    """The channels in use, in the order of settings.NOTIFICATION_CHANNELS."""
    return [import_string(path)() for path in settings.NOTIFICATION_CHANNELS]
