"""The demo's party-led co-governance: registered working members and their service, micro wishes,
co-building agreements with their lists and a two-way evaluation, projects and councils, in the demo's
first district, street and community. Each part loads once and leaves existing rows alone."""

from dataclasses import dataclass

from apps.cobuilding.demo import demo_cobuilding
from apps.councils.demo import demo_councils
from apps.party.demo import demo_registrations
from apps.projects.demo import demo_projects
from apps.wishes.demo import demo_wishes


@dataclass(frozen=True)
class CoGovernanceDemo:
    registrations: int
    wishes: int
    agreements: int
    projects: int
    meetings: int

    @property
    def loaded(self) -> bool:
        return any((self.registrations, self.wishes, self.agreements, self.projects, self.meetings))


def demo_cogovernance() -> CoGovernanceDemo:
    return CoGovernanceDemo(
        registrations=demo_registrations(),
        wishes=demo_wishes(),
        agreements=demo_cobuilding(),
        projects=demo_projects(),
        meetings=demo_councils(),
    )
