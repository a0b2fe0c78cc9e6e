"""The demo city of `manage.py seed_demo`: its size, determinism and idempotence, the demo logins, and a
tree exactly as the area services would have written it."""

import io
import json
import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import Role
from apps.areas.choices import LEVEL_FIELDS, AreaChangeKind, AreaKind, AreaLevel, ComplianceRule
from apps.areas.models import Area, AreaChange
from apps.areas.selectors import compliance_violations
from apps.areas.services import area_create, area_update
from apps.cases.models import Category
from apps.core.demo import DEMO_LOGINS, DEMO_PASSWORD
from apps.core.demo_city import CATEGORIES, DISTRICT_DEPARTMENTS
from apps.core.services import demo_seed
from apps.departments.models import Department
from apps.party.choices import OrganisationKind
from apps.party.models import PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation

pytestmark = pytest.mark.django_db

ANCESTORS = [f"{name}_id" for name in LEVEL_FIELDS.values()]
CODE_DIGITS = {1: 6, 2: 9, 3: 12, 4: 14, 5: 17}
DEMO_SIZES = {1: 1, 2: 3, 3: 12, 4: 60, 5: 600}


def seed(**options) -> str:
    """The command's output, in English so that the assertions read the msgids. The case replay and the
    households have tests of their own (tests/core/test_demo_cases.py, tests/core/test_demo_people.py)."""
    options.setdefault("cases", 0)
    options.setdefault("people", False)
    out = io.StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def level_counts() -> dict[int, int]:
    return dict(Counter(Area.objects.values_list("level", flat=True)))


def city_snapshot() -> dict[str, list]:
    """Everything a seed decides, by code and name (primary keys differ from one database to the next)."""

    def rows(queryset, *fields) -> list:
        return sorted(
            tuple("" if value is None else value for value in row) for row in queryset.values_list(*fields)
        )

    area_fields = ("code", "name", "kind", "households", "population", "centre_lng", "centre_lat")
    boundaries = Area.objects.order_by("code").values_list("boundary", flat=True)
    return {
        "areas": rows(Area.objects, *area_fields),
        "boundaries": [json.dumps(boundary, sort_keys=True) for boundary in boundaries],
        "departments": rows(Department.objects, "area__code", "name", "short_name", "phone"),
        "handled": rows(Department.categories.through.objects, "department__name", "category__code"),
        "organisations": rows(
            PartyOrganisation.objects,
            "area__code",
            "name",
            "kind",
            "is_joint",
            "founded_on",
            "secretary__name",
        ),
        "members": rows(
            PartyMember.objects, "area__code", "name", "gender", "birth_year", "is_working_member"
        ),
        "units": rows(PartnerUnit.objects, "area__code", "name", "unit_type", "address", "contact_phone"),
        "part_time": rows(
            PartTimeMember.objects, "organisation__name", "partner_unit__name", "name", "position"
        ),
        "users": rows(User.objects, "username", "full_name"),
        "roles": rows(
            RoleAssignment.objects, "user__username", "role", "area__code", "department__name", "is_full_time"
        ),
    }


def tree_snapshot() -> tuple[dict, list]:
    """Every column of every area and its history, with ids replaced by codes."""
    areas = list(Area.objects.values())
    code_of = {row["id"]: row["code"] for row in areas}
    snapshot = {}
    for values in areas:
        row = {key: value for key, value in values.items() if key not in {"id", "created_at", "updated_at"}}
        for column in ("parent_id", "merged_into_id", *ANCESTORS):
            row[column] = code_of.get(row[column])
        row["path"] = [code_of[int(part)] for part in row["path"].strip("/").split("/")]
        snapshot[row["code"]] = row
    history = sorted(
        (
            code_of[change["area_id"]],
            change["kind"],
            change["actor_id"],
            json.dumps(change["data"]),
            change["reason"],
        )
        for change in AreaChange.objects.values()
    )
    return snapshot, history


def test_the_demo_scale_is_one_district_of_three_streets_twelve_communities_and_sixty_grids():
    output = seed()
    assert level_counts() == DEMO_SIZES
    assert "1 districts, 3 streets and towns, 12 communities and villages, 60 grids, 600 buildings" in output
    assert "Demo logins: 10 created, 0 already present" in output
    assert AreaChange.objects.filter(kind=AreaChangeKind.CREATE, actor=None).count() == Area.objects.count()

    # The category tree, with stable codes.
    assert Category.objects.filter(parent=None).count() == len(CATEGORIES) == 7
    assert Category.objects.count() == sum(1 + len(children) for _code, _name, children in CATEGORIES)
    assert Category.objects.get(code="01").name == "矛盾纠纷"
    assert Category.objects.get(code="0101").parent.code == "01"

    # Departments: twelve of the district, five or more of each street, each serving its area and
    # handling some categories.
    district = Area.objects.get(level=AreaLevel.DISTRICT)
    assert Department.objects.filter(area=district).count() == len(DISTRICT_DEPARTMENTS) == 12
    for street in Area.objects.filter(level=AreaLevel.STREET):
        assert 5 <= Department.objects.filter(area=street).count() <= 7
    for department in Department.objects.prefetch_related("served_areas", "categories"):
        assert [area.pk for area in department.served_areas.all()] == [department.area_id]
        assert department.categories.exists()

    # The party tree, level by level; each organisation's parent is bound to the area above.
    organisations = list(PartyOrganisation.objects.select_related("area", "parent"))
    by_level = Counter(organisation.area.level for organisation in organisations)
    assert by_level[AreaLevel.DISTRICT] == 1
    assert by_level[AreaLevel.STREET] == 3
    assert by_level[AreaLevel.COMMUNITY] == 12
    assert 0.8 * 60 <= by_level[AreaLevel.GRID] <= 60
    assert 0.45 * 600 <= by_level[AreaLevel.BUILDING] <= 0.75 * 600
    for organisation in organisations:
        if organisation.parent is None:
            assert organisation.area.level == AreaLevel.DISTRICT
        else:
            assert organisation.parent.area_id == organisation.area.parent_id
        if organisation.area.level < AreaLevel.BUILDING:
            assert organisation.secretary.organisation_id == organisation.pk
    streets = [organisation for organisation in organisations if organisation.area.level == AreaLevel.STREET]
    assert all(organisation.is_joint for organisation in streets)
    assert any(organisation.is_joint for organisation in organisations if organisation.area.level == 3)
    assert {
        organisation.kind for organisation in organisations if organisation.area.level == AreaLevel.GRID
    } == {OrganisationKind.BRANCH}

    # Partner units, and part-time members of joint committees only, from units resident in the area.
    for street in Area.objects.filter(level=AreaLevel.STREET):
        assert 7 <= PartnerUnit.objects.filter(street=street).count() <= 9
    for member in PartTimeMember.objects.select_related("organisation__area", "partner_unit"):
        area = member.organisation.area
        assert member.organisation.is_joint
        assert getattr(member.partner_unit, f"{area.level_field}_id") == area.pk
    assert PartyMember.objects.filter(is_working_member=True).exists()
    assert PartyMember.objects.filter(is_working_member=False).exists()

    # Staff for most grids and every community; a few gaps for the compliance report.
    grids = Area.objects.filter(level=AreaLevel.GRID)
    heads = set(RoleAssignment.objects.filter(role=Role.GRID_HEAD).values_list("area_id", flat=True))
    full_time = set(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, is_full_time=True).values_list(
            "area_id", flat=True
        )
    )
    assert 0.8 * 60 <= len(heads) <= 60
    assert 0.8 * 60 <= len(full_time) <= 60
    assert set(
        RoleAssignment.objects.filter(role=Role.COMMUNITY_WORKER).values_list("community_id", flat=True)
    ) == set(Area.objects.filter(level=AreaLevel.COMMUNITY).values_list("pk", flat=True))
    rules = Counter(violation.rule for violation in compliance_violations(User.objects.get(username="admin")))
    assert rules[ComplianceRule.NO_GRID_HEAD] > 0
    assert (
        0 < rules[ComplianceRule.GRID_HOUSEHOLDS_LOW] + rules[ComplianceRule.GRID_HOUSEHOLDS_HIGH] < 0.25 * 60
    )
    within = grids.filter(households__gte=300, households__lte=500).count()
    assert within >= 0.75 * 60


def test_the_same_seed_gives_the_same_city_and_another_seed_another():
    snapshots = []
    for number in (1, 1, 2):
        with transaction.atomic():
            demo_seed(seed=number)
            snapshots.append(city_snapshot())
            transaction.set_rollback(True)
    first, again, other = snapshots
    assert first == again
    assert len(first["areas"]) == len(other["areas"]) == sum(DEMO_SIZES.values())
    names = {name for _code, name, *_rest in first["areas"]}
    other_names = {name for _code, name, *_rest in other["areas"]}
    assert names != other_names
    assert first["members"] != other["members"]
    assert first["users"] != other["users"]


def test_seeding_again_creates_nothing_and_changes_nothing():
    seed()
    street = Area.objects.filter(level=AreaLevel.STREET).order_by("code").first()
    area_update(actor=None, area=street, name="改过名的街道")
    User.objects.filter(username="street").update(full_name="改过名的用户")
    before = city_snapshot()
    stamps = sorted(Area.objects.values_list("code", "updated_at"))
    counts = {model: model.objects.count() for model in (Area, AreaChange, User, RoleAssignment, PartyMember)}

    output = seed(scale="district", seed=7)

    assert "Areas exist already: the demo city was not generated again" in output
    assert "Demo logins: 0 created, 10 already present" in output
    assert city_snapshot() == before
    assert sorted(Area.objects.values_list("code", "updated_at")) == stamps
    assert {model: model.objects.count() for model in counts} == counts
    assert Area.objects.get(pk=street.pk).name == "改过名的街道"
    assert User.objects.get(username="street").full_name == "改过名的用户"

    # A demo login that was removed comes back, with its role, and nothing else changes.
    User.objects.filter(username="gridworker").delete()
    output = seed()
    assert "Demo logins: 1 created, 9 already present" in output
    assert RoleAssignment.objects.get(user__username="gridworker").area.code == (
        Area.objects.filter(level=AreaLevel.GRID).order_by("code").first().code
    )
    assert Area.objects.count() == counts[Area]


def test_existing_demo_logins_without_a_role_get_theirs_with_a_new_city():
    User.objects.create_user(username="street", password=DEMO_PASSWORD, full_name="王晓明")
    output = seed()
    assert "Demo logins: 9 created, 1 already present" in output
    assert "granted to 1 existing demo logins" in output
    assert RoleAssignment.objects.get(user__username="street").role == Role.STREET_STAFF


def test_every_demo_login_signs_in_and_holds_its_role_in_the_first_district(client):
    seed()
    district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").first()
    first = {"district": district}
    for level in ("street", "community", "grid", "building"):
        first[level] = Area.objects.filter(parent=first[list(first)[-1]]).order_by("code").first()
    assert first["street"].kind == AreaKind.STREET

    for login in DEMO_LOGINS:
        response = client.post(
            reverse("accounts:login"), {"username": login.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, login.username
        assert client.session["_auth_user_id"] == str(User.objects.get(username=login.username).pk)
        client.logout()

        user = User.objects.get(username=login.username)
        assert user.full_name == login.full_name
        roles = list(RoleAssignment.objects.active().filter(user=user))
        if login.is_superuser:
            assert user.is_superuser
            assert roles == []
            continue
        assert len(roles) == 1, login.username
        (role,) = roles
        assert role.role == login.role
        assert role.district_id == district.pk
        if login.place == "department":
            assert role.department.area == first["street"]
            assert role.department.name.endswith("城管执法队")
        else:
            assert role.area == first[login.place], login.username
    assert RoleAssignment.objects.get(user__username="gridworker").is_full_time
    party = User.objects.get(username="party")
    assert party.party_member.organisation.area == first["community"]
    assert party.party_member.organisation.secretary == party.party_member
    assert party.party_member.name == "黄丽华"


def test_paths_ancestor_columns_codes_figures_and_shapes_follow_the_parents():
    seed()
    areas = {area.pk: area for area in Area.objects.all()}
    children = defaultdict(list)
    for area in areas.values():
        children[area.parent_id].append(area)
    for area in areas.values():
        assert re.fullmatch(rf"\d{{{CODE_DIGITS[area.level]}}}", area.code), area.code
        assert area.centre_lng is not None
        assert area.centre_lat is not None
        parent = areas.get(area.parent_id)
        if parent is None:
            assert area.level == AreaLevel.DISTRICT
            assert area.path == f"/{area.pk}/"
        else:
            assert area.level == parent.level + 1
            assert area.code.startswith(parent.code)
            assert area.path == f"{parent.path}{area.pk}/"
            west, south = parent.boundary["coordinates"][0][0]
            east, north = parent.boundary["coordinates"][0][2]
            assert west < area.centre_lng < east
            assert south < area.centre_lat < north
        for level, field in LEVEL_FIELDS.items():
            expected = area.ancestor_ids[level - 1] if level < area.level else None
            assert getattr(area, f"{field}_id") == (area.pk if level == area.level else expected)
        if area.level == AreaLevel.BUILDING:
            assert area.boundary is None
            assert area.name.endswith("号楼")
        else:
            assert area.boundary["type"] == "Polygon"
            assert area.households == sum(child.households for child in children[area.pk])
            assert area.population == sum(child.population for child in children[area.pk])
        if area.level == AreaLevel.GRID:
            assert re.fullmatch(r"第\d+网格", area.name)
        assert len({child.name for child in children[area.pk]}) == len(children[area.pk])
    # Every row placed in an area copies that area's ancestors.
    for model in (Department, PartnerUnit, PartyOrganisation, PartyMember, PartTimeMember, RoleAssignment):
        for row in model.objects.exclude(area=None):
            area = areas[row.area_id]
            assert [getattr(row, column) for column in ANCESTORS] == [
                getattr(area, column) for column in ANCESTORS
            ]


def test_the_areas_are_exactly_what_area_create_writes():
    """Generate, note every column, roll back, then create the same areas through `area_create`: the
    district, its streets and communities, and the first community's grids and buildings (the whole
    city would take long through the service)."""
    with transaction.atomic():
        demo_seed()
        generated, history = tree_snapshot()
        transaction.set_rollback(True)
    assert not Area.objects.exists()
    first_community = min(code for code, row in generated.items() if row["level"] == AreaLevel.COMMUNITY)
    replayed = {
        code: row
        for code, row in generated.items()
        if row["level"] <= AreaLevel.COMMUNITY or row["community_id"] == first_community
    }
    assert len(replayed) > 60
    created = {}
    for code, row in sorted(replayed.items(), key=lambda item: (item[1]["level"], item[0])):
        # Figures are entered on buildings; the service adds them up the tree.
        leaf = row["level"] == AreaLevel.BUILDING
        created[code] = area_create(
            actor=None,
            parent=created.get(row["parent_id"]),
            name=row["name"],
            code=code,
            kind=row["kind"],
            households=row["households"] if leaf else 0,
            population=row["population"] if leaf else 0,
            boundary=row["boundary"],
            centre_lng=row["centre_lng"],
            centre_lat=row["centre_lat"],
        )
    areas, changes = tree_snapshot()
    assert changes == [change for change in history if change[0] in replayed]
    # Only part of the city was replayed, so the totals above the first community differ by design.
    upper = {code for code, row in replayed.items() if row["level"] < AreaLevel.COMMUNITY}
    upper |= {
        code
        for code, row in replayed.items()
        if row["level"] == AreaLevel.COMMUNITY and code != first_community
    }

    def without_upper_totals(rows):
        return {
            code: {k: v for k, v in row.items() if code not in upper or k not in ("households", "population")}
            for code, row in rows.items()
        }

    assert without_upper_totals(areas) == without_upper_totals(replayed)


@pytest.mark.postgres
def test_the_district_scale_loads_whole():
    output = seed(scale="district", seed=3)
    assert level_counts() == {1: 1, 2: 10, 3: 80, 4: 1000, 5: 10_000}
    assert "Demo logins: 10 created" in output
    assert AreaChange.objects.count() == Area.objects.count()
    households = list(Area.objects.filter(level=AreaLevel.GRID).values_list("households", flat=True))
    assert sum(300 <= figure <= 500 for figure in households) >= 0.85 * len(households)
    assert len(set(Area.objects.values_list("code", flat=True))) == Area.objects.count()
    # The sequences continue above the primary keys given by the seed.
    street = Area.objects.filter(level=AreaLevel.STREET).first()
    extra = area_create(actor=None, parent=street, name="新建社区", code=f"{street.code}199")
    assert extra.pk > max(Area.objects.exclude(pk=extra.pk).values_list("pk", flat=True))
