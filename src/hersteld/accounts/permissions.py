"""The permission tree, the roles and their default grants.

Pure module (no Django): the portal, the API, the grant forms and the tests all
read the same tree. Granting a node grants everything below it; a `change`
permission also gives the matching `view`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


def _(text: str) -> str:
    """Marks a label for translation (makemessages finds it); the portal translates at display."""
    return text


class Role(StrEnum):
    OPERATOR = "operator"
    ARBODIENST_ADMIN = "arbodienst_admin"
    CASEMANAGER = "casemanager"
    MEDIC = "medic"
    # Praktijkondersteuner bedrijfsarts: holds consults and drafts reports that a medic
    # makes final (docs/rules/consults.md).
    POB = "pob"
    EMPLOYER_USER = "employer_user"
    EMPLOYEE = "employee"


ARBODIENST_ROLES = frozenset({Role.ARBODIENST_ADMIN, Role.CASEMANAGER, Role.MEDIC, Role.POB})
# Who holds consults: the practitioners of the agenda (docs/rules/consults.md).
PRACTITIONER_ROLES = frozenset({Role.MEDIC, Role.POB})
EMPLOYER_SIDE_ROLES = frozenset({Role.EMPLOYER_USER, Role.EMPLOYEE})


@dataclass(frozen=True)
class Node:
    code: str
    label: str  # English msgid; the portal translates it
    children: tuple[Node, ...] = field(default=())
    description: str = ""  # one line for the user page: what the permission allows


TREE: tuple[Node, ...] = (
    Node(
        "organisations",
        _("Organisation"),
        (
            Node(
                "organisations.view",
                _("View employers and departments"),
                description=_(
                    "See the employers and their departments in scope, with their details."
                ),
            ),
            Node(
                "organisations.change",
                _("Manage employers and departments"),
                description=_("Add employers and departments, change their details and end them."),
            ),
        ),
    ),
    Node(
        "people",
        _("Employees and employments"),
        (
            Node(
                "people.view",
                _("View employees and employments"),
                description=_("See employees and their employments: contract, hours, department."),
            ),
            Node(
                "people.change",
                _("Add and change employments, report out of service"),
                description=_(
                    "Add employees and employments, change them, report out of service and import files."
                ),
            ),
        ),
    ),
    Node(
        "absence",
        _("Absence"),
        (
            Node(
                "absence.view",
                _("View absence cases"),
                description=_(
                    "See absence cases, their Poortwachter steps, documents and the worklist."
                ),
            ),
            Node(
                "absence.change",
                _("Report sick and recovered"),
                description=_(
                    "Report sickness and (partial) recovery and record the Poortwachter steps."
                ),
            ),
            Node(
                "absence.view_safety_net",
                _("View the safety-net category"),
                description=_(
                    "See whether a case falls under the safety net (vangnet) and which "
                    "category; hidden from the employer."
                ),
            ),
        ),
    ),
    Node(
        "medical",
        _("Medical"),
        (
            Node(
                "medical.view",
                _("View the medical file"),
                description=_(
                    "Read the medical file and add medical notes; only for the bedrijfsarts and his team."
                ),
            ),
        ),
    ),
    Node(
        "consults",
        _("Consults"),
        (
            Node(
                "consults.view",
                _("View consults"),
                description=_(
                    "See the consults of the cases in scope, their invitations and final reports."
                ),
            ),
            Node(
                "consults.cancel",
                _("Cancel consults"),
                description=_(
                    "Cancel or move a consult; the employer only more than the set hours before it."
                ),
            ),
            Node(
                "consults.plan",
                _("Plan consults"),
                description=_("Plan consults with a practitioner of the arbodienst."),
            ),
            Node(
                "consults.agenda",
                _("Manage the agenda"),
                description=_("Set the availability of practitioners and the agenda settings."),
            ),
            Node(
                "consults.hold",
                _("Hold consults"),
                description=_(
                    "Record a consult as held or as a no-show, write notes and reports; "
                    "only the bedrijfsarts and his team."
                ),
            ),
            Node(
                "consults.billing",
                _("View billable items"),
                description=_("See and export the billable items per employer and month."),
            ),
        ),
    ),
    Node(
        "exchange",
        _("Data exchange"),
        (
            Node(
                "exchange.manage",
                _("Request and configure couplings"),
                description=_(
                    "Request couplings with other systems, set them up, activate and suspend them."
                ),
            ),
            Node(
                "exchange.review",
                _("Decide on corrections and merge proposals from couplings"),
                description=_(
                    "Accept or reject what couplings propose: corrections, withdrawals and duplicates."
                ),
            ),
            Node(
                "exchange.view_error_log",
                _("Report CDES error log"),
                description=_(
                    "See the messages from couplings that were refused, with the reason."
                ),
            ),
        ),
    ),
    Node(
        "accounts",
        _("Users and rights"),
        (
            Node(
                "accounts.manage",
                _("Manage users and rights of the own arbodienst"),
                description=_(
                    "Add and block users, set their role and scope, grant extra rights, reset passwords."
                ),
            ),
        ),
    ),
    Node(
        "audit",
        _("History"),
        (
            Node(
                "audit.view",
                _("View change history"),
                description=_("See who changed what and when, on every page with a history tab."),
            ),
        ),
    ),
)


def _walk(nodes: tuple[Node, ...]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        out.extend(_walk(node.children))
    return out


ALL_NODES: tuple[Node, ...] = tuple(_walk(TREE))
ALL_CODES: frozenset[str] = frozenset(node.code for node in ALL_NODES)
LEAF_CODES: tuple[str, ...] = tuple(node.code for node in ALL_NODES if not node.children)
LABELS: dict[str, str] = {node.code: node.label for node in ALL_NODES}
DESCRIPTIONS: dict[str, str] = {node.code: node.description for node in ALL_NODES}

# Permissions that may never reach the employer side, whatever an admin grants.
MEDICAL_ONLY = frozenset({"medical.view", "consults.hold"})
ARBODIENST_ONLY = frozenset(
    {
        "medical.view",
        "consults.plan",
        "consults.agenda",
        "consults.hold",
        "consults.billing",
        "absence.view_safety_net",
        "accounts.manage",
        "exchange.manage",
        "exchange.review",
        "exchange.view_error_log",
    }
)

ROLE_DEFAULTS: dict[Role, frozenset[str]] = {
    Role.OPERATOR: frozenset({"organisations", "accounts.manage", "exchange", "audit.view"}),
    Role.ARBODIENST_ADMIN: frozenset(
        {
            "organisations",
            "people",
            "absence.view",
            "absence.view_safety_net",
            "accounts.manage",
            "exchange",
            "audit.view",
            "consults.view",
            "consults.agenda",
            "consults.billing",
        }
    ),
    Role.CASEMANAGER: frozenset(
        {
            "organisations.view",
            "people",
            "absence",
            "exchange.review",
            "audit.view",
            "consults.view",
            "consults.cancel",
            "consults.plan",
            "consults.agenda",
            "consults.billing",
        }
    ),
    Role.MEDIC: frozenset(
        {
            "organisations.view",
            "people.view",
            "absence",
            "medical.view",
            "audit.view",
            "consults.view",
            "consults.cancel",
            "consults.plan",
            "consults.agenda",
            "consults.hold",
        }
    ),
    Role.POB: frozenset(
        {
            "organisations.view",
            "people.view",
            "absence.view",
            "medical.view",
            "audit.view",
            "consults.view",
            "consults.agenda",
            "consults.hold",
        }
    ),
    Role.EMPLOYER_USER: frozenset(
        {
            "organisations.view",
            "people",
            "absence.view",
            "absence.change",
            "audit.view",
            "consults.view",
            "consults.cancel",
        }
    ),
    Role.EMPLOYEE: frozenset({"people.view", "absence.view", "consults.view"}),
}


def is_known(code: str) -> bool:
    return code in ALL_CODES


def expand(granted: str) -> frozenset[str]:
    """All leaf permissions a single grant gives: its subtree, plus `view` for a `change`."""
    out = {code for code in LEAF_CODES if code == granted or code.startswith(granted + ".")}
    for code in list(out):
        head, _, action = code.partition(".")
        if action == "change" and f"{head}.view" in ALL_CODES:
            out.add(f"{head}.view")
    return frozenset(out)


def covers(granted: str, wanted: str) -> bool:
    return wanted in expand(granted)


def grantable_to(role: Role, code: str) -> bool:
    """Whether an admin may give this permission to a user of this role."""
    if not is_known(code):
        return False
    leaves = expand(code)
    if role in EMPLOYER_SIDE_ROLES and leaves & ARBODIENST_ONLY:
        return False
    return not (role == Role.OPERATOR and leaves & MEDICAL_ONLY)


def may_use_api_tokens(role: Role) -> bool:
    """API tokens are for systems that exchange data for an organisation (payroll, HR, the
    arbodienst's own software). An employee sees only his own record and uses the portal."""
    return role != Role.EMPLOYEE


def mfa_required(role: Role, *, employer_users: bool) -> bool:
    if role in EMPLOYER_SIDE_ROLES:
        return employer_users
    return True
