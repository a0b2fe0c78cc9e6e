from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in to GridGov: staff, grid workers, department handlers, administrators.

    Chinese names are not split into given and family names, so `full_name` is the name shown everywhere;
    the inherited first and last name fields stay empty.
    """

    full_name = models.CharField(_("full name"), max_length=100, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
