"""Every cross-app hook of Hersteld, declared in one place.

A lower app announces; a higher app listens (connected in its `AppConfig.ready()`), so
no app imports one above it. Receivers run inside the sender's transaction.
"""

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
