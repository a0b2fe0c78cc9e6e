from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "apps.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from django.contrib.auth import get_user_model  # noqa: PLC0415
        from django.db.models.signals import post_delete, post_save  # noqa: PLC0415

        from . import schema  # noqa: F401, PLC0415 - registers the OpenAPI description of API keys
        from .keys import keys_changed  # noqa: PLC0415
        from .models import ApiKey, IntegrationClient  # noqa: PLC0415

        # What a server process keeps of a key is read again after any change to it (apps.integrations.keys).
        for model in (ApiKey, IntegrationClient, get_user_model()):
            post_save.connect(keys_changed, sender=model, dispatch_uid=f"keys-changed-save-{model.__name__}")
            post_delete.connect(keys_changed, sender=model, dispatch_uid=f"keys-changed-del-{model.__name__}")
