"""Every UWV document type as a declared schema, in one place (P12, shared/domain/documents.md).

Pure module (no Django): an arbodienst reads here what each document holds, which fields
are medical, who may draft it, who signs it and which Poortwachter milestone it completes.
A new type is one `DocumentType(...)` in `TYPES`. Labels are English msgids; the portal
translates them at display.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


def _(text: str) -> str:
    """Marks a label for translation (makemessages finds it); the portal translates at display."""
    return text


class Kind(StrEnum):
    TEXT = "text"  # one line
    LONGTEXT = "longtext"  # free text, paragraphs
    DATE = "date"  # ISO date
    YESNO = "yesno"  # true / false
    NUMBER = "number"  # hours, percentages: a number
    CHOICE = "choice"  # one of `choices`
    SIGNER = "signer"  # the name of the one who signs; required for final


# Who may draft and finalise: the user roles of hersteld.accounts.permissions.
MEDIC = frozenset({"medic"})
STAFF = frozenset({"casemanager"})  # arbodienst staff who handle cases
CASE_HANDLERS = frozenset({"casemanager", "employer_user"})
EMPLOYER = frozenset({"casemanager", "employer_user"})
EMPLOYEE = frozenset({"employee"})

VIEWS_REQUIRED_FROM = dt.date(2023, 7, 1)  # Stcrt. 2023-13931: the re-integratievisie


@dataclass(frozen=True)
class Field:
    """One field of a document.

    `medical`: kept apart and shown only with `medical.view` (never to the employer, never in
    the re-integratieverslag). `prefill`: a key of the prefill sources (see services.prefill).
    `required`: needed before the document can be made final. `view`: a re-integratievisie
    field (allowed empty, shown as missing). `by_employee`: the employee writes it himself
    in the portal, also on a document someone else drafts (his re-integratievisie).
    """

    code: str
    label: str
    kind: Kind = Kind.LONGTEXT
    medical: bool = False
    required: bool = False
    prefill: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    view: bool = False
    max_length: int = 5000
    by_employee: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Signer:
    """Who signs; the document names him in the field `signer_<code>` (a name)."""

    code: str
    label: str

    @property
    def field_code(self) -> str:
        return f"signer_{self.code}"


@dataclass(frozen=True)
class DocumentType:
    code: str
    label: str
    sections: tuple[Section, ...]
    drafters: frozenset[str]
    signers: tuple[Signer, ...] = ()
    milestone: str = ""  # the Poortwachter milestone made done when final
    read_permission: str = "absence.view"
    to_employee: bool = False  # the employee himself reads it whole (medische informatie)
    views: bool = False  # carries the re-integratievisie of employer and employee
    report_order: int = 0  # place in the re-integratieverslag; 0 = not in it
    description: str = ""
    extra: tuple[Field, ...] = field(default=())
    # The arbodienst's casemanager may sign for the employer (the plan van aanpak: the
    # casemanager draws it up for the employer and signs with the employee).
    casemanager_for_employer: bool = False

    @property
    def fields(self) -> tuple[Field, ...]:
        out = [f for section in self.sections for f in section.fields]
        out.extend(Field(s.field_code, s.label, Kind.SIGNER, required=True) for s in self.signers)
        return tuple(out)

    def field(self, code: str) -> Field | None:
        return next((f for f in self.fields if f.code == code), None)

    @property
    def medical_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.fields if f.medical)

    @property
    def open_codes(self) -> tuple[str, ...]:
        """The fields an employer may read (the medical-term guard checks these)."""
        return tuple(f.code for f in self.fields if not f.medical)


# --- shared pieces -----------------------------------------------------------------------


def admin(*, short: bool = False, to_uwv: bool = False) -> Section:
    """The administrative data; a form sent to UWV needs the loonheffingennummer and BSN."""
    fields = [
        Field("employee_name", _("Employee"), Kind.TEXT, required=True, prefill="employee.name"),
        Field("employee_bsn", _("BSN"), Kind.TEXT, required=to_uwv, prefill="employee.bsn"),
    ]
    if not short:
        fields.append(
            Field("employee_birth_date", _("Birth date"), Kind.DATE, prefill="employee.birth_date")
        )
    fields += [
        Field("employer_name", _("Employer"), Kind.TEXT, required=True, prefill="employer.name"),
        Field(
            "payroll_tax_number",
            _("Loonheffingennummer"),
            Kind.TEXT,
            required=to_uwv,
            prefill="employer.payroll_tax_number",
        ),
        Field(
            "first_day",
            _("First day of sickness (D1)"),
            Kind.DATE,
            required=True,
            prefill="chain.first_day",
        ),
    ]
    if not short:
        fields += [
            Field("function_name", _("Function"), Kind.TEXT, prefill="employment.function_name"),
            Field(
                "hours_per_week", _("Working week (hours)"), Kind.NUMBER, prefill="employment.hours"
            ),
        ]
    return Section(_("Administrative data"), tuple(fields))


ADMIN = admin()
SHORT_ADMIN = admin(short=True)
UWV_ADMIN = admin(to_uwv=True)
SHORT_UWV_ADMIN = admin(short=True, to_uwv=True)
VIEWS = Section(
    _("Re-integratievisie"),
    (
        Field("view_employer", _("View of the employer"), view=True),
        Field("view_employee", _("View of the employee"), view=True, by_employee=True),
    ),
)
FUNCTIONAL = (
    Field("limitations", _("Functional limitations"), required=True),
    Field("capabilities", _("Capabilities: what, how many hours, from when"), required=True),
    Field("prognosis", _("Prognosis"), required=True),
)
GOALS = (
    ("own_work", _("own work")),
    ("adapted_work", _("adapted own work")),
    ("other_internal", _("other work with the own employer")),
    ("external", _("work with another employer (spoor 2)")),
)
EMPLOYER_SIGNS = Signer("employer", _("For the employer"))
EMPLOYEE_SIGNS = Signer("employee", _("Employee"))
MEDIC_SIGNS = Signer("medic", _("Company doctor"))
BOTH_SIGN = (EMPLOYER_SIGNS, EMPLOYEE_SIGNS)


TYPES: tuple[DocumentType, ...] = (
    DocumentType(
        "PROBLEEMANALYSE",
        _("Probleemanalyse"),
        (
            ADMIN,
            Section(
                _("Medical part (company doctor only)"),
                (
                    Field("diagnosis", _("Diagnosis"), medical=True),
                    Field(
                        "medical_detail", _("Symptoms, treatment and medical detail"), medical=True
                    ),
                ),
            ),
            Section(
                _("Functional assessment"),
                (
                    Field(
                        "medical_cause",
                        _("The absence has a medical cause"),
                        Kind.YESNO,
                        required=True,
                    ),
                    *FUNCTIONAL,
                    Field("factors", _("Work and private factors, work relationship")),
                    Field("treatment_adequate", _("Treatment is adequate"), Kind.YESNO),
                    Field("advice", _("Advice on re-integration"), required=True),
                    Field("employee_view", _("View of the employee (optional)")),
                ),
            ),
        ),
        MEDIC,
        signers=(MEDIC_SIGNS,),
        milestone="PROBLEEMANALYSE",
        report_order=10,
    ),
    DocumentType(
        "BIJSTELLING_PROBLEEMANALYSE",
        _("Bijstelling probleemanalyse"),
        (
            SHORT_ADMIN,
            Section(
                _("Medical part (company doctor only)"),
                (Field("medical_detail", _("Medical detail"), medical=True),),
            ),
            Section(
                _("Changes"),
                (
                    Field(
                        "changes",
                        _("What changed in limitations, capabilities, prognosis"),
                        required=True,
                    ),
                    Field("advice", _("New advice"), required=True),
                    Field("plan_consequences", _("Consequences for the plan van aanpak")),
                ),
            ),
        ),
        MEDIC,
        signers=(MEDIC_SIGNS,),
        report_order=20,
    ),
    DocumentType(
        "PLAN_VAN_AANPAK",
        _("Plan van aanpak"),
        (
            ADMIN,
            Section(
                _("Plan"),
                (
                    Field(
                        "analysis_date",
                        _("Date of the probleemanalyse it rests on"),
                        Kind.DATE,
                        prefill="final.PROBLEEMANALYSE.date",
                    ),
                    Field("goal", _("Goal"), Kind.CHOICE, required=True, choices=GOALS),
                    Field(
                        "activities",
                        _("Activities and agreements of employer and employee, with dates"),
                        required=True,
                    ),
                    Field(
                        "evaluation_moments",
                        _("Evaluation moments (at least every 6 weeks)"),
                        required=True,
                    ),
                    Field(
                        "casemanager",
                        _("Casemanager"),
                        Kind.TEXT,
                        required=True,
                        prefill="author.name",
                    ),
                ),
            ),
            VIEWS,
        ),
        CASE_HANDLERS,
        signers=BOTH_SIGN,
        casemanager_for_employer=True,
        milestone="PLAN_VAN_AANPAK",
        views=True,
        report_order=30,
    ),
    DocumentType(
        "EVALUATIE",
        _("Evaluatie / bijstelling plan van aanpak"),
        (
            SHORT_ADMIN,
            Section(
                _("Evaluation"),
                (
                    Field(
                        "looking_back",
                        _(
                            "Looking back: activities done, agreements kept, goals reached or why not"
                        ),
                        required=True,
                    ),
                    Field(
                        "work_ability",
                        _("Current work ability (per the company doctor)"),
                        required=True,
                    ),
                    Field(
                        "agreements",
                        _("Revised agreements"),
                        required=True,
                        prefill="final.PLAN_VAN_AANPAK.activities",
                    ),
                ),
            ),
            VIEWS,
        ),
        CASE_HANDLERS,
        signers=BOTH_SIGN,
        milestone="EVALUATIE",
        views=True,
        report_order=40,
    ),
    DocumentType(
        "EERSTEJAARSEVALUATIE",
        _("Eerstejaarsevaluatie"),
        (
            SHORT_ADMIN,
            Section(
                _("Evaluation of the first year"),
                (
                    Field("looking_back", _("Looking back over the first year"), required=True),
                    Field(
                        "work_ability",
                        _("Current work ability (per the company doctor)"),
                        required=True,
                    ),
                    Field(
                        "second_year_result", _("Result to reach in the second year"), required=True
                    ),
                    Field(
                        "second_year_how",
                        _("How: spoor 1, spoor 2, arbeidsdeskundig onderzoek"),
                        required=True,
                    ),
                ),
            ),
            VIEWS,
        ),
        CASE_HANDLERS,
        signers=BOTH_SIGN,
        milestone="EERSTEJAARSEVALUATIE",
        views=True,
        report_order=50,
    ),
    DocumentType(
        "MELDING_42_WEKEN",
        _("42-weken melding (ziekmelding UWV)"),
        (
            UWV_ADMIN,
            Section(
                _("Report"),
                (
                    Field(
                        "employment_start",
                        _("Start of the employment"),
                        Kind.DATE,
                        prefill="employment.start_date",
                    ),
                    Field(
                        "address",
                        _("Address of the employee"),
                        Kind.TEXT,
                        prefill="employee.address",
                    ),
                ),
            ),
        ),
        EMPLOYER,
        milestone="MELDING_42_WEKEN",
    ),
    DocumentType(
        "ACTUEEL_OORDEEL",
        _("Actueel oordeel"),
        (
            SHORT_ADMIN,
            Section(
                _("Medical part (company doctor only)"),
                (Field("medical_detail", _("Medical detail"), medical=True),),
            ),
            Section(
                _("Judgement"),
                (
                    *FUNCTIONAL,
                    Field(
                        "work_possible",
                        _("Own or suitable work is possible"),
                        Kind.YESNO,
                        required=True,
                    ),
                ),
            ),
        ),
        MEDIC,
        signers=(MEDIC_SIGNS,),
        milestone="ACTUEEL_OORDEEL",
        report_order=60,
    ),
    DocumentType(
        "EINDEVALUATIE",
        _("Eindevaluatie"),
        (
            SHORT_ADMIN,
            Section(
                _("Final evaluation"),
                (
                    Field("looking_back", _("Looking back over the whole period"), required=True),
                    Field(
                        "state", _("State of re-integration at the WIA application"), required=True
                    ),
                    Field(
                        "rehire", _("Ziek uit dienst: the employer wants to re-hire"), Kind.YESNO
                    ),
                ),
            ),
            VIEWS,
        ),
        CASE_HANDLERS,
        signers=BOTH_SIGN,
        milestone="EINDEVALUATIE",
        views=True,
        report_order=70,
    ),
    DocumentType(
        "VERKORT_RIV",
        _("Verkort re-integratieverslag"),
        (
            UWV_ADMIN,
            Section(
                _("Re-integration"),
                (
                    Field(
                        "arbodienst_contact",
                        _("Contact at the arbodienst"),
                        Kind.TEXT,
                        prefill="author.name",
                    ),
                    Field("done", _("What was done towards return to work"), required=True),
                    Field("rehire", _("The employer wants to re-hire"), Kind.YESNO),
                ),
            ),
        ),
        EMPLOYER,
        signers=(EMPLOYER_SIGNS,),
    ),
    DocumentType(
        "HERSTELMELDING_UWV",
        _("Volledig herstelmelding"),
        (
            SHORT_UWV_ADMIN,
            Section(
                _("Recovery"),
                (
                    Field(
                        "recovery_date",
                        _("Recovery date (first day of the full own work)"),
                        Kind.DATE,
                        required=True,
                        prefill="case.recovery_date",
                    ),
                ),
            ),
        ),
        EMPLOYER,
    ),
    DocumentType(
        "ZW_AANVRAAG",
        _("Ziektewet-uitkering aanvragen (vangnet)"),
        (
            UWV_ADMIN,
            Section(
                _("Claim"),
                (
                    Field(
                        "safety_net_ground",
                        _("Vangnet ground"),
                        Kind.TEXT,
                        required=True,
                        prefill="case.safety_net_category",
                    ),
                    Field(
                        "arbodienst_contact",
                        _("Contact at the arbodienst"),
                        Kind.TEXT,
                        prefill="author.name",
                    ),
                    Field(
                        "payment_to",
                        _("Payment to"),
                        Kind.CHOICE,
                        required=True,
                        choices=(("employer", _("employer")), ("employee", _("employee"))),
                    ),
                ),
            ),
        ),
        STAFF,
        read_permission="absence.view_safety_net",
    ),
    DocumentType(
        "WAZO_AANVRAAG",
        _("WAZO-uitkering aanvragen"),
        (
            SHORT_UWV_ADMIN,
            Section(
                _("Leave"),
                (
                    Field(
                        "expected_delivery",
                        _("Expected delivery date"),
                        Kind.DATE,
                        required=True,
                        prefill="case.expected_delivery",
                    ),
                    Field(
                        "leave_start",
                        _("Chosen start of the leave"),
                        Kind.DATE,
                        required=True,
                        prefill="case.first_day",
                    ),
                    Field("multiple", _("Multiple pregnancy"), Kind.YESNO, prefill="case.multiple"),
                    Field(
                        "payment_to",
                        _("Payment to"),
                        Kind.CHOICE,
                        required=True,
                        choices=(("employer", _("employer")), ("employee", _("employee"))),
                    ),
                    Field("iban", _("IBAN"), Kind.TEXT),
                ),
            ),
        ),
        EMPLOYER,
    ),
    DocumentType(
        "WIJZIGING_DEELHERSTEL_ZW",
        _("Wijziging (deel)herstel Ziektewet"),
        (
            SHORT_UWV_ADMIN,
            Section(
                _("Change"),
                (
                    Field("change_date", _("Date of the change"), Kind.DATE, required=True),
                    Field("hours_worked", _("Hours worked per week"), Kind.NUMBER),
                    Field("percentage", _("Percentage of work resumed"), Kind.NUMBER),
                    Field("wage_earned", _("Wage earned"), Kind.NUMBER),
                    Field("employment_end", _("End of the employment"), Kind.DATE),
                ),
            ),
        ),
        EMPLOYER,
    ),
    DocumentType(
        "MEDISCHE_INFORMATIE",
        _("Medische informatie"),
        (
            SHORT_ADMIN,
            Section(
                _("Medical information for UWV"),
                (
                    Field(
                        "medical_information", _("Medical information"), medical=True, required=True
                    ),
                ),
            ),
        ),
        MEDIC,
        signers=(MEDIC_SIGNS,),
        read_permission="medical.view",
        to_employee=True,
    ),
    DocumentType(
        "OORDEEL_WERKNEMER",
        _("Oordeel werknemer"),
        (
            SHORT_ADMIN,
            Section(
                _("My view"),
                (Field("opinion", _("My view on the re-integration"), required=True),),
            ),
        ),
        EMPLOYEE,
        signers=(EMPLOYEE_SIGNS,),
        report_order=90,
    ),
    DocumentType(
        "ZIEK_UIT_DIENST_MELDING",
        _("Ziek-uit-dienst melding"),
        (
            UWV_ADMIN,
            Section(
                _("End of employment"),
                (
                    Field(
                        "last_working_day",
                        _("Last working day"),
                        Kind.DATE,
                        required=True,
                        prefill="employment.end_date",
                    ),
                ),
            ),
        ),
        EMPLOYER,
    ),
    DocumentType(
        "MELDING_AANSLUITEND_ZIEK_WAZO",
        _("Melding aansluitend ziek rond zwangerschapsverlof"),
        (
            SHORT_UWV_ADMIN,
            Section(
                _("Report"),
                (
                    Field(
                        "first_sick_day",
                        _("First working day after the leave"),
                        Kind.DATE,
                        required=True,
                    ),
                    Field(
                        "contact",
                        _("Contact data of the employee"),
                        Kind.TEXT,
                        prefill="employee.address",
                    ),
                    Field(
                        "arbodienst_contact",
                        _("Contact at the arbodienst"),
                        Kind.TEXT,
                        prefill="author.name",
                    ),
                ),
            ),
        ),
        EMPLOYER,
    ),
)

BY_CODE: dict[str, DocumentType] = {t.code: t for t in TYPES}
CODES: tuple[str, ...] = tuple(BY_CODE)
MILESTONE_TYPES: dict[str, str] = {t.milestone: t.code for t in TYPES if t.milestone}


def get(code: str) -> DocumentType | None:
    return BY_CODE.get(code)


def may_draft(doc_type: DocumentType, role: str) -> bool:
    return role in doc_type.drafters


def employee_codes(doc_type: DocumentType) -> tuple[str, ...]:
    """The fields the employee writes himself on a document he does not draft."""
    return tuple(f.code for f in doc_type.fields if f.by_employee)


def signs(doc_type: DocumentType, party: str) -> bool:
    """Whether `party` ("employee", "employer", "medic") signs this type."""
    return any(s.code == party for s in doc_type.signers)


def views_required(first_day: dt.date | None, drawn_up: dt.date) -> bool:
    """Stcrt. 2023-13931: D1 on or after 2023-07-01, or drawn up after that date."""
    return (
        first_day is not None and first_day >= VIEWS_REQUIRED_FROM
    ) or drawn_up >= VIEWS_REQUIRED_FROM


def check_value(f: Field, value: object) -> str | None:
    """A problem code when `value` is not of the field's kind, else None. Empty is allowed."""
    if value is None or value == "":
        return None
    if f.kind in (Kind.TEXT, Kind.LONGTEXT, Kind.SIGNER):
        if not isinstance(value, str):
            return "document_field_kind"
        return "document_field_too_long" if len(value) > f.max_length else None
    if f.kind == Kind.DATE:
        if not isinstance(value, str):
            return "document_field_kind"
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return "document_field_kind"
        return None if 1900 <= day.year <= 2199 else "document_field_kind"
    if f.kind == Kind.YESNO:
        return None if isinstance(value, bool) else "document_field_kind"
    if f.kind == Kind.NUMBER:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return "document_field_kind"
        return None if 0 <= value <= 1_000_000 else "document_field_kind"
    if f.kind == Kind.CHOICE:
        return None if value in {key for key, _label in f.choices} else "invalid_choice"
    return "document_field_kind"


def missing_for_final(doc_type: DocumentType, values: dict[str, object]) -> list[str]:
    """The required fields (and signers) still empty."""
    return [
        f.code
        for f in doc_type.fields
        if f.required and (values.get(f.code) is None or values.get(f.code) == "")
    ]


def empty_views(doc_type: DocumentType, values: dict[str, object]) -> list[str]:
    """The re-integratievisie fields left empty: allowed, but shown as missing."""
    return [f.code for f in doc_type.fields if f.view and not str(values.get(f.code) or "").strip()]
