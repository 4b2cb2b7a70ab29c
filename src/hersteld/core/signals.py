"""Every cross-app hook of Hersteld, declared in one place.

A lower app announces; a higher app listens (connected in its `AppConfig.ready()`), so
no app imports one above it. Receivers run inside the sender's transaction.
"""

import datetime as dt
from typing import Any, NamedTuple

from django.dispatch import Signal

# organisations -> people: a department is about to end on `end_date`. A receiver answers an
# error code (the department may not end) or None. Arguments: department, end_date.
department_ending = Signal()

# people -> absence: the employee page shows these employments to `user`; a receiver may
# attach what it adds to each (the absence app: cases, may the user see or add them).
# Arguments: user, employments (a list).
employments_shown = Signal()

# absence -> poortwachter: the chain of `case` may have changed (a report, a correction, a
# withdrawal, a recovery). `left_chain` is the case it was chained to until now when it left
# that chain (the steps of that chain go back to it), else None. Arguments: case, left_chain.
chain_changed = Signal()

# absence -> poortwachter: the dossier shows `tab` of `case` to `user`; a receiver answers the
# extra context that tab needs (the timeline), or None. Arguments: case, tab, user.
dossier_tab = Signal()

# absence -> higher apps (documents, consults, messages): the tabs they add to the dossier of
# `case` for `user`. A receiver answers a list of `DossierTab` (empty when the user may not see
# it). The chosen tab's content comes from `dossier_tab`, whose answer names the template to
# include as "tab_template". Writes go to the app's own URLs, never to the dossier page.
# Arguments: case, user.
dossier_tabs = Signal()


class DossierTab(NamedTuple):
    """A tab a higher app adds to the dossier: its key in `?tab=` and its (translated) label."""

    key: str
    label: str


# poortwachter -> documents: the worklist shows `todos` to `user`; a receiver answers
# {todo id: url} for the steps it completes itself ("Afgerond" opens that page instead of
# ticking the step). Arguments: todos (a list), user.
todo_links = Signal()


# consults -> exchange: the billing page, its export and GET /api/v1/billing ask for the
# billable items other apps keep (the coupling items of exchange). A receiver answers a list
# of `BillableRow`: counts per employer, month and kind, only of employers `user` reaches for
# `consults.billing`. Arguments: user, employer_id (an id, or None for every employer in
# scope), month (its first day, or None for every month).
billable_items = Signal()


class BillableRow(NamedTuple):
    """One line of the bill: how many items of one kind an employer has in a month. It has no
    field for a person or a day on purpose (the open spreekuur is billed anonymously)."""

    employer_id: int
    employer_name: str
    month: dt.date  # the first day of the month
    kind: str  # a code, unique across apps (e.g. no_show, coupling_message)
    label: str  # the kind in the reader's language
    number: int  # how many (not `count`: a tuple has a method of that name)


# consults -> documents: a medic made a consult's report final. A receiver may take its
# functional content over into the UWV document that report can serve as (a first consult:
# the probleemanalyse; a later one: the actueel oordeel being drafted), so the doctor does
# not fill the same form twice. Arguments: report (a `ReleasedReport`), user (the medic).
report_released = Signal()


class ReleasedReport(NamedTuple):
    """A final consult report as plain values: the receiver needs no consults import."""

    report_id: int
    version: int
    consult_id: int
    consult_kind: str  # first, follow_up, home_visit (preventive ones have no report)
    case_id: int | None
    released_on: dt.date
    limitations_and_capabilities: str
    hours: str
    adjustments: str
    prognosis: str
    medical_cause: bool | None  # yes / no / not stated
    treatment_adequate: bool | None
    advice: str


# core (the retention job) -> every app that keeps personal data: the categories of records
# it removes when their term has passed. A receiver answers a list of
# `hersteld.core.retention.Category` (docs/adr/0022-retention.md). No arguments.
retention_categories = Signal()

# people -> absence (and any app holding terms): which terms still keep these employees'
# records, as of `today`. A receiver answers {employee id: [privacy.retention_rules.Running]}
# (a legal hold as the term "hold"). Arguments: employee_ids (a list), today.
retention_running = Signal()

# messaging -> consults: the mobile number to which employee `employee_id` agreed to receive
# SMS for `purpose` ("messages": a notice of a new message), or None when no such consent is
# in force. Messaging sends the notice itself, through hersteld.core.sms, after its
# transaction commits. Arguments: employee_id, purpose.
sms_number = Signal()

# privacy -> every app that keeps records about a person: the GDPR export (data subject
# access request, docs/rules/privacy.md). A receiver answers a list of `SubjectRecords`: the
# rows of `employee` it keeps, read through its own restrict() for `requester`. `medical` says
# whether the requester may read the employee's medical file; when False the receiver leaves
# medical content out and names what it left out. Arguments: employee, requester, medical.
subject_records = Signal()


class SubjectRecords(NamedTuple):
    """One kind of record about a person: one JSON file of the export, one section of its PDF.

    `rows` are JSON-safe dicts (ids for references, ISO dates); `columns` are the (key, label)
    pairs the PDF summary shows of each row; `omitted` names the medical fields (or, with
    "*", the whole kind) left out because the requester may not read the medical file."""

    name: str
    title: str
    rows: list[dict[str, Any]]
    columns: tuple[tuple[str, str], ...]
    omitted: tuple[str, ...] = ()
