from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HouseholdKind(models.TextChoices):
    OWNER_OCCUPIED = "owner_occupied", _("owner-occupied")
    RENTED = "rented", _("rented")
    VACANT = "vacant", _("vacant")
    SHOP = "shop", _("shop")


class RiskColour(models.TextChoices):
    """The risk colour of a rental (出租屋 红/黄/橙/绿), set by a risk rule."""

    GREEN = "green", _("green")
    YELLOW = "yellow", _("yellow")
    ORANGE = "orange", _("orange")
    RED = "red", _("red")


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Relation(models.TextChoices):
    """The resident's relation to the household's head (与户主关系)."""

    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    GRANDCHILD = "grandchild", _("grandchild")
    SIBLING = "sibling", _("sibling")
    TENANT = "tenant", _("tenant")
    OTHER = "other", _("other")


class Residence(models.TextChoices):
    REGISTERED = "registered", _("registered (户籍)")
    FLOATING = "floating", _("floating (流动)")


class HouseholdAction(models.TextChoices):
    """Every entry of a household's timeline names one of these."""

    CREATE = "create", _("household registered")
    UPDATE = "update", _("household changed")
    RISK = "risk", _("risk colour set")
    RESIDENT_ADD = "resident_add", _("resident added")
    RESIDENT_UPDATE = "resident_update", _("resident changed")
    RESIDENT_MOVE_OUT = "resident_move_out", _("resident moved out")
    IMPORT = "import", _("changed by an import")


class RevealedField(models.TextChoices):
    ID_NUMBER = "id_number", _("ID number")
    PHONE = "phone", _("phone")


class AccessPurpose(models.TextChoices):
    VIEW = "view", _("viewed unmasked")
    EXPORT = "export", _("exported unmasked")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", pgettext_lazy("import", "running")
    DONE = "done", _("done")
    REFUSED = "refused", _("refused: nothing saved")
    FAILED = "failed", pgettext_lazy("import", "failed")
