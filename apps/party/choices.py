from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """党委, 党工委, 党总支, 党支部, 党小组."""

    COMMITTEE = "committee", _("party committee (党委)")
    WORKING_COMMITTEE = "working_committee", _("party working committee (党工委)")
    GENERAL_BRANCH = "general_branch", _("general party branch (党总支)")
    BRANCH = "branch", _("party branch (党支部)")
    GROUP = "group", _("party group (党小组)")


class PartnerUnitType(models.TextChoices):
    GOVERNMENT = "government", _("government agency (机关)")
    STATE_ENTERPRISE = "state_enterprise", _("state-owned enterprise (国企)")
    PUBLIC_INSTITUTION = "public_institution", _("public institution (事业单位)")
    SCHOOL = "school", _("school (学校)")
    HOSPITAL = "hospital", _("hospital (医院)")
    PRIVATE_ENTERPRISE = "private_enterprise", _("private enterprise (非公企业)")
    SOCIAL_ORGANISATION = "social_organisation", _("social organisation (社会组织)")
    OTHER = "other", _("other")


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class RegistrationSource(models.TextChoices):
    """Which side registered a working member with a community (在职党员到社区报到)."""

    ORGANISATION = "organisation", _("the member's organisation")
    COMMUNITY = "community", _("the community")


class RegistrationState(models.TextChoices):
    ACTIVE = "active", _("registered")
    ENDED = "ended", _("ended")


class RegistrationAction(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ASSIGNED = "assigned", _("assigned")
    SERVICE_LOGGED = "service_logged", _("service logged")
    ENDED = "ended", _("ended")
