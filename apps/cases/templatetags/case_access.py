"""`{% may user "case.report" as may_report %}`, `{% may user "case.view" area as may_print %}`: whether the
user holds a case permission (for an area), for pages that offer a link to a case page."""

from django import template

from apps.cases.intake import holds

register = template.Library()


@register.simple_tag
def may(user, permission: str, area=None) -> bool:
    return user.is_authenticated and holds(user, permission, area)
