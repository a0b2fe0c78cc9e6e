from argparse import BooleanOptionalAction

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from apps.core.demo_cases import demo_cases_seed
from apps.core.demo_city import SCALES
from apps.core.demo_cogovernance import demo_cogovernance
from apps.core.demo_people import demo_people_seed
from apps.core.services import demo_seed
from apps.dashboards.rollup import rollup_refresh
from apps.hotline.demo import demo_hotline


class Command(BaseCommand):
    help = (
        "Load the demo data: with no areas yet, generate the demo city at the chosen scale from the seed; "
        "then create the demo logins that are missing. Existing rows are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="demo",
            help="demo: one district of 600 buildings; district: 10,000 buildings; metro: 16 districts, "
            "300,000 buildings (use PostgreSQL)",
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same city")
        parser.add_argument(
            "--cases",
            type=int,
            default=300,
            help="demo cases to replay through three weeks of work when the demo city is new (0: none)",
        )
        parser.add_argument(
            "--people",
            action=BooleanOptionalAction,
            default=True,
            help="households, residents and four weeks of visits when the demo city is new",
        )

    def handle(self, *args, scale: str, seed: int, cases: int, people: bool, **options):
        result = demo_seed(scale=scale, seed=seed)
        city = result.city
        replayed = demo_cases_seed(count=cases, seed=seed) if city is not None and cases > 0 else 0
        households = 0
        if city is not None and people:
            # After the cases: their replay only runs while there are none, and visits report some.
            households = demo_people_seed(seed=seed)
        hotline_orders = 0
        if city is not None:
            # After the replay of the cases, which runs only while there are none.
            hotline_orders = demo_hotline()
        cogovernance = demo_cogovernance() if city is not None else None
        # The dashboards read rollups: fill them now rather than at the first beat after start-up.
        rollups = rollup_refresh() if city is not None else None
        if city is None:
            self.stdout.write(
                _("Areas exist already: the demo city was not generated again and no existing row changed.")
            )
        else:
            self.stdout.write(
                _("Demo city generated (scale %(scale)s, seed %(seed)d) in %(seconds).1f s:")
                % {"scale": city.scale, "seed": city.seed, "seconds": city.seconds}
            )
            self.stdout.write(
                "  "
                + _(
                    "%(districts)d districts, %(streets)d streets and towns, %(communities)d communities "
                    "and villages, %(grids)d grids, %(buildings)d buildings;"
                )
                % {
                    "districts": city.districts,
                    "streets": city.streets,
                    "communities": city.communities,
                    "grids": city.grids,
                    "buildings": city.buildings,
                }
            )
            self.stdout.write(
                "  "
                + _(
                    "%(categories)d case categories, %(departments)d departments, %(organisations)d party "
                    "organisations, %(members)d party members, %(units)d partner units, %(part_time)d "
                    "part-time members of joint committees, %(staff)d staff accounts with their roles."
                )
                % {
                    "categories": city.categories,
                    "departments": city.departments,
                    "organisations": city.organisations,
                    "members": city.members,
                    "units": city.partner_units,
                    "part_time": city.part_time_members,
                    "staff": city.staff,
                }
            )
        if replayed:
            self.stdout.write(
                _("%(count)d demo cases replayed through three weeks of work, in every state.")
                % {"count": replayed}
            )
        if households:
            self.stdout.write(
                _("%(count)d demo households with their residents, visit plans and four weeks of visits.")
                % {"count": households}
            )
        if hotline_orders:
            self.stdout.write(
                _(
                    "The 12345 hotline registered as an integration client with %(count)d work orders "
                    "(some waiting for triage); issue its API key in the admin."
                )
                % {"count": hotline_orders}
            )
        if cogovernance is not None and cogovernance.loaded:
            self.stdout.write(
                _(
                    "Party-led co-governance: %(registrations)d registered working members with their "
                    "service, %(wishes)d micro wishes, %(agreements)d co-building agreements, %(projects)d "
                    "projects and %(meetings)d council meetings."
                )
                % {
                    "registrations": cogovernance.registrations,
                    "wishes": cogovernance.wishes,
                    "agreements": cogovernance.agreements,
                    "projects": cogovernance.projects,
                    "meetings": cogovernance.meetings,
                }
            )
        if rollups is not None:
            self.stdout.write(
                _("Dashboard figures computed for %(days)d days in %(seconds).1f s.")
                % {"days": rollups.refreshed_days, "seconds": rollups.seconds}
            )
        self.stdout.write(
            _("Demo logins: %(created)d created, %(present)d already present (left as they are).")
            % {"created": result.created, "present": result.present}
        )
        if result.granted:
            self.stdout.write(
                _("Roles in the new demo city granted to %(count)d existing demo logins that held none.")
                % {"count": result.granted}
            )
        for username in result.unplaced:
            self.stdout.write(
                self.style.WARNING(
                    _("The place of the demo login %(username)s does not exist; it has no role.")
                    % {"username": username}
                )
            )
