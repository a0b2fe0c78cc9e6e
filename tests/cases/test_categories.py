"""The category tree and routing rules are changed through their services, with clear refusals."""

import pytest
from django.core.exceptions import ValidationError

from apps.cases.categories import category_create, category_update, routing_rule_save
from apps.cases.choices import HandlingLevel
from apps.cases.models import Category, RoutingRule

pytestmark = pytest.mark.django_db


def refusal(action) -> dict:
    with pytest.raises(ValidationError) as caught:
        action()
    return caught.value.message_dict if hasattr(caught.value, "error_dict") else {"": caught.value.messages}


def test_create_and_update_a_category(city, superuser):
    root = city.categories[0]
    child = category_create(actor=superuser, code=" X1 ", name=" 占道经营 ", parent=root, sort_order=2)
    assert (child.code, child.name, child.parent, child.sort_order) == ("X1", "占道经营", root, 2)
    moved = category_update(actor=superuser, category=child, parent=None, name="占道", is_active=False)
    assert (moved.parent, moved.name, moved.is_active, moved.code) == (None, "占道", False, "X1")
    # Not naming the parent leaves it where it is.
    again = category_update(actor=None, category=city.categories[1], sort_order=9)
    assert (again.parent, again.sort_order) == (root, 9)


def test_only_superusers_change_categories(city):
    refused = refusal(lambda: category_create(actor=city.users["district"], code="X2", name="x"))
    assert refused == {"": ["Only a superuser may change the case categories."]}
    assert not Category.objects.filter(code="X2").exists()


def test_codes_are_unique_and_names_given(city, superuser):
    taken = city.categories[0].code
    assert refusal(lambda: category_create(actor=superuser, code=taken, name="x")) == {
        "code": [f"A category with the code {taken} already exists."]
    }
    assert set(refusal(lambda: category_create(actor=superuser, code=" ", name=""))) == {"code", "name"}
    assert "code" in refusal(
        lambda: category_update(actor=superuser, category=city.categories[1], code=taken)
    )


def test_no_cycles_and_no_retired_parent(city, superuser):
    root, child = city.categories[0], city.categories[1]
    grandchild = category_create(actor=superuser, code="X3", name="孙", parent=child)
    for parent in (root, child, grandchild):
        assert refusal(
            lambda parent=parent: category_update(actor=superuser, category=root, parent=parent)
        ) == {"parent": ["A category cannot be placed under itself or its subcategories."]}
    category_update(actor=superuser, category=city.categories[3], is_active=False)
    assert "parent" in refusal(
        lambda: category_create(actor=superuser, code="X4", name="x", parent=city.categories[3])
    )
    assert Category.objects.get(pk=root.pk).parent is None


def test_a_rule_replaces_the_clashing_active_rule(city, superuser):
    category = city.categories[1]
    everywhere = routing_rule_save(actor=superuser, category=category, handling_level=HandlingLevel.GRID)
    local = routing_rule_save(
        actor=city.users["street"],
        category=category,
        area=city.streets[0],
        handling_level=HandlingLevel.DEPARTMENT,
        department=city.departments[1],
    )
    replacement = routing_rule_save(
        actor=superuser, category=category, handling_level=HandlingLevel.COMMUNITY, note="社区处置"
    )
    assert set(RoutingRule.objects.filter(is_active=True).values_list("pk", flat=True)) == {
        local.pk,
        replacement.pk,
    }
    everywhere.refresh_from_db()
    assert not everywhere.is_active
    changed = routing_rule_save(
        actor=city.users["street"],
        rule=local,
        category=category,
        area=city.streets[0],
        handling_level=HandlingLevel.STREET,
    )
    assert (changed.pk, changed.handling_level) == (local.pk, HandlingLevel.STREET)


def test_rule_refusals(city):
    category, street = city.categories[1], city.users["street"]
    assert "area" in refusal(
        lambda: routing_rule_save(actor=street, category=category, handling_level="grid")
    )
    assert "area" in refusal(
        lambda: routing_rule_save(
            actor=street, category=category, area=city.streets[1], handling_level="grid"
        )
    )
    assert "department" in refusal(
        lambda: routing_rule_save(
            actor=street, category=category, area=city.streets[0], handling_level="department"
        )
    )
    assert "handling_level" in refusal(
        lambda: routing_rule_save(
            actor=street, category=category, area=city.streets[0], handling_level="mayor"
        )
    )
    assert not RoutingRule.objects.exists()
