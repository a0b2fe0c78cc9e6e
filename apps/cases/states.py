"""The lifecycle as one table: which action may move a case from which status, and where it lands.

Services check every action against this table under the case's row lock, the case page and the API
offer only the actions it allows now, and the property tests walk it at random.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import CaseAction as A
from .choices import CaseStatus as S


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str | None  # None: the status does not change
    while_suspended: bool = False  # most actions wait until a suspended case is resumed


OPEN = frozenset({S.ACCEPTED, S.HANDLING, S.DISPATCHED, S.RESOLVED, S.VERIFIED})

MOVES: dict[str, Move] = {
    A.ACCEPT: Move(frozenset({S.REPORTED}), S.ACCEPTED),
    A.REJECT: Move(frozenset({S.REPORTED}), S.REJECTED),
    A.HANDLE_IN_GRID: Move(frozenset({S.ACCEPTED}), S.HANDLING),
    A.DISPATCH: Move(frozenset({S.ACCEPTED, S.HANDLING, S.DISPATCHED}), S.DISPATCHED),
    A.WHISTLE: Move(frozenset({S.ACCEPTED, S.HANDLING, S.DISPATCHED}), S.DISPATCHED),
    A.RESOLVE: Move(frozenset({S.HANDLING, S.DISPATCHED}), S.RESOLVED),
    # A department's return, when it leaves no department on the case: back to be dispatched again.
    A.RETURN: Move(frozenset({S.DISPATCHED}), S.ACCEPTED),
    A.VERIFY: Move(frozenset({S.RESOLVED}), S.VERIFIED),
    A.SEND_BACK: Move(frozenset({S.RESOLVED}), None),
    A.CLOSE: Move(frozenset({S.VERIFIED}), S.CLOSED),
    A.RATE: Move(frozenset({S.CLOSED}), None, while_suspended=True),
    A.REOPEN: Move(frozenset({S.CLOSED}), S.ACCEPTED, while_suspended=True),
    A.SUSPEND: Move(frozenset({S.ACCEPTED, S.HANDLING, S.DISPATCHED}), None),
    A.RESUME: Move(frozenset({S.ACCEPTED, S.HANDLING, S.DISPATCHED}), None, while_suspended=True),
    A.MERGE: Move(frozenset({S.REPORTED, S.ACCEPTED, S.HANDLING, S.DISPATCHED}), S.MERGED),
    A.LEADER_CLAIM: Move(frozenset({S.REPORTED, *OPEN}), None, while_suspended=True),
    A.SUPERVISE: Move(frozenset({S.REPORTED, *OPEN}), None, while_suspended=True),
}


class ConflictError(ValidationError):
    """The action does not fit the case as it stands now, usually because someone acted first.
    Pages show it as an error message, the API answers 409."""


def check_move(case, action: str) -> str:
    """The status `action` leads to from the case as it stands; ConflictError when it is not allowed now."""
    move = MOVES[action]
    if case.status not in move.sources:
        raise ConflictError(
            _(
                "This case is now “%(status)s”: “%(action)s” is not possible. "
                "Reload the page to see who acted."
            )
            % {"status": case.get_status_display(), "action": A(action).label},
            code="conflict",
        )
    if case.suspended_at and not move.while_suspended:
        raise ConflictError(_("This case is suspended: resume it first."), code="conflict")
    if action == A.RESUME and not case.suspended_at:
        raise ConflictError(_("This case is not suspended."), code="conflict")
    return move.target or case.status


def allowed_now(case) -> set[str]:
    """The actions the table allows on this case as it stands (before asking who may take them)."""
    return {
        action
        for action, move in MOVES.items()
        if case.status in move.sources
        and (move.while_suspended or not case.suspended_at)
        and (action != A.RESUME or case.suspended_at)
        and (action != A.SUSPEND or not case.suspended_at)
    }
