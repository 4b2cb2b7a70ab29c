"""Collect rule violations per field and raise them as one ValidationError.

Rule modules return stable codes; this module holds the sentence a person reads
for each code (Dutch through gettext). Forms show the sentences next to the
fields; the API returns field, code and sentence.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1
"""The largest id a database key holds (signed 64 bits); input beyond it can match nothing."""

FIRST_YEAR, LAST_YEAR = 1900, 2199
"""Dates people may enter: wide enough for every birth date and plan, and far enough from the
ends of Python's calendar (years 1 and 9999) that the law's date arithmetic (weeks before a
delivery, 104 weeks after a first day) and time-zone conversion never overflow."""

MESSAGES: dict[str, Any] = {
    "required": _("This field is required."),
    "kvk_format": _("A KvK number has exactly 8 digits."),
    "kvk_taken": _("An employer with this KvK number already exists in this arbodienst."),
    "payroll_tax_format": _(
        "A loonheffingennummer is 9 digits, the letter L and 2 digits, e.g. 123456782L01."
    ),
    "payroll_tax_checksum": _("The first 9 digits of the loonheffingennummer fail the 11-proof."),
    "bsn_format": _("A BSN has 9 digits."),
    "bsn_checksum": _("This BSN fails the 11-proof; check for a typing error."),
    "bsn_taken": _("An employee with this BSN already exists at this employer."),
    "postcode_format": _("Not a valid Dutch postcode: 4 digits and 2 letters, e.g. 1234 AB."),
    "phone_format": _("Not a phone number; use e.g. 06 12345678 or 020 1234567."),
    "phone_invalid": _("This phone number does not exist; check the number of digits."),
    "email_invalid": _("Not a valid e-mail address."),
    "initials_format": _("Initials are letters, optionally with dots, e.g. J.P."),
    "initials_too_long": _("At most 6 initials."),
    "birth_date_future": _("The birth date must lie in the past."),
    "birth_date_too_old": _("The birth date lies more than 120 years ago."),
    "too_young_at_start": _("The employee must be at least 13 years old on the start date."),
    "hours_not_positive": _("The working week must be more than 0 hours."),
    "hours_too_many": _("The working week can be at most 60 hours (Arbeidstijdenwet)."),
    "salary_negative": _("The annual salary cannot be negative."),
    "percentage_range": _("A percentage lies between 0 and 100."),
    "fulltime_hours_range": _("The full-time working week lies between 1 and 60 hours."),
    "period_end_before_start": _("The last day of the period lies before its first day."),
    "period_too_long": _("A period for the absence figures spans at most %(years)s years."),
    "house_number_range": _("A house number is a whole number from 1 to %(max)s."),
    "date_out_of_range": _("A date lies in the years %(first)s to %(last)s."),
    "insurance_required": _("Insurance is required when the no-riskpolis applies."),
    "insurance_without_policy": _("Insurance is only recorded when the no-riskpolis applies."),
    "personnel_number_taken": _(
        "This personnel number is already in use at this employer; choose another number."
    ),
    "end_before_start": _("The end date cannot lie before the start date of the employment."),
    "already_ended": _("This already has an end date."),
    "no_end_at_creation": _(
        "An end date is not entered when adding an employment; use 'Report out of service'."
    ),
    "department_other_employer": _("This department belongs to another employer."),
    "department_cycle": _(
        "A department cannot be placed under itself or one of its own subdepartments."
    ),
    "department_code_taken": _("This department code is already in use at this employer."),
    "department_in_use": _("This department or a subdepartment still has employments in service."),
    "valid_from_before_start": _("A change cannot take effect before the start of the employment."),
    "employer_other_tenant": _("This employer belongs to another arbodienst."),
    "not_allowed": _("You are not allowed to do this here."),
    "permission_not_for_role": _("This permission cannot be given to a user with this role."),
    "grant_scope_required": _(
        "For an employer user a right must be limited to an employer or department."
    ),
    "grant_exists": _("This user already has this right for this scope."),
    "role_needs_employer": _("An employer user must belong to an employer."),
    "role_needs_employee": _("An employee user must be linked to an employee record."),
    "username_taken": _("This user name is already taken."),
    "role_not_allowed": _("You cannot create users with this role."),
    "employee_has_user": _("This employee already has a log-in."),
    "scope_change_separate": _(
        "Role, employer, department and employee are changed with 'Change scope', "
        "which asks for a confirmation."
    ),
    "api_tokens_not_for_role": _(
        "API tokens are for systems of an employer or arbodienst; an employee uses the portal."
    ),
    "scope_own": _("You cannot change your own role or scope; ask another administrator."),
    "otp_invalid": _("The code is not correct. Use the current 6-digit code from your app."),
    "otp_required": _("Enter the 6-digit code from your authenticator app."),
    "otp_device_exists": _(
        "You already have an authenticator; a new one replaces it only with a code from the "
        "current one. Ask your administrator to reset two-factor authentication."
    ),
    "credentials_invalid": _("User name or password is not correct."),
    "locked_out": _("Too many failed attempts; this account is locked for %(minutes)s minutes."),
    "invalid_choice": _("This value is not one of the choices."),
    # absence (docs/rules/samentelling.md, vangnet.md, wazo.md and recovery.md)
    "first_day_before_employment": _(
        "The first day lies before the start of the employment; check the date."
    ),
    "first_day_after_employment": _("The first day lies after the end of the employment."),
    "first_day_in_future": _("A sick report cannot start in the future; check the first day."),
    "case_overlaps": _(
        "This overlaps with another case of this employment (%(kind)s from %(start)s); "
        "correct or close that case first."
    ),
    "case_not_open": _("This case is no longer open."),
    "case_wrong_kind": _("This action is not possible for this kind of case."),
    "case_has_chained_cases": _(
        "Another case is counted together with this one; withdraw that case first."
    ),
    "reason_required": _("Give a reason; it is kept in the history."),
    "safety_net_category_without_safety_net": _(
        "A safety-net category can only be chosen when the safety net applies."
    ),
    "no_risk_policy_missing": _(
        "The no-riskpolis category needs an employment with the no-riskpolis; "
        "record it on the employment first."
    ),
    "compensation_start_date": _(
        "Compensatieregeling: the employment must have started between 1 January 2018 "
        "and 1 January 2020."
    ),
    "compensation_birth_date": _(
        "Compensatieregeling: the employee must be born before 1 January 1962."
    ),
    "compensation_ww": _(
        "Compensatieregeling: the employee must have come directly from a WW benefit "
        "of more than 52 weeks."
    ),
    "compensation_employed_too_long": _(
        "Compensatieregeling: the employee was employed for more than 5 years on the first day."
    ),
    "recovery_only_for_sickness": _("Recoveries are reported on a sickness case only."),
    "recovery_before_first_day": _("A recovery cannot lie before the first day of the case."),
    "recovery_before_previous": _(
        "A recovery must lie after the previous recovery of this case (%(date)s)."
    ),
    "full_recovery_on_first_day": _(
        "A full recovery must lie after the first day of absence: it is the first day "
        "fully at work."
    ),
    "recovery_too_far_ahead": _("A recovery can be reported at most 14 days ahead."),
    "recovery_amount_required": _("Give the percentage recovered or the hours recovered."),
    "recovery_hours_negative": _("The hours cannot be negative."),
    "recovery_hours_above_contract": _(
        "More hours than the working week of the employment (%(hours)s hours)."
    ),
    "recovery_before_first_recovery": _(
        "The first day cannot lie after the first recovery of this case."
    ),
    "leave_start_too_early": _(
        "Pregnancy leave starts at the earliest 6 weeks (multiple birth: 10 weeks) before "
        "the day after the expected delivery date."
    ),
    "leave_start_too_late": _(
        "Pregnancy leave starts at the latest 4 weeks (multiple birth: 8 weeks) before "
        "the day after the expected delivery date."
    ),
    "delivery_required": _("The expected delivery date is required for pregnancy leave."),
    "delivery_before_pregnancy": _(
        "The delivery date lies more than 40 weeks before the expected date; check the date."
    ),
    "delivery_too_late": _(
        "The delivery date lies more than 6 weeks after the expected date; check the date."
    ),
    "hospital_days_without_delivery": _(
        "Hospital days of the newborn are recorded together with the actual delivery date."
    ),
    "hospital_days_negative": _("The number of days lies between 0 and 365."),
    "leave_not_ended": _("The leave runs until %(date)s; close it on or after that day."),
    "expected_recovery_not_for_employer": _(
        "The employer does not record an expected recovery date; mention it in a note if needed."
    ),
    "wage_sanction_not_for_employer": _(
        "The arbodienst records a wage sanction imposed by UWV; send the UWV decision to them."
    ),
    "wage_sanction_range": _(
        "A wage sanction ends after the end of week 104 and at most 52 weeks later (%(first)s to "
        "%(last)s)."
    ),
    "safety_net_category_not_allowed": _(
        "Only arbodienst staff record which safety-net rule applies; the employer records "
        "only whether one applies."
    ),
    "therapeutic_medic_only": _(
        "Only the company doctor records recovery on a therapeutic basis (Hersteld AT)."
    ),
    "recovery_not_latest": _(
        "Only the latest recovery of a case can be corrected or removed; start with that one."
    ),
    "same_cause_staff_only": _(
        "Only the company doctor, or the casemanager on his advice, answers whether the "
        "sickness has the same cause as before the leave."
    ),
    "same_cause_choice": _("Same cause: answer yes or no."),
    "same_cause_not_asked": _(
        "Same cause is asked only when sickness ran directly up to a pregnancy leave and "
        "resumes directly after it."
    ),
    "leave_sex_mismatch": _(
        "The employee is registered as male. Check the registration; if the pregnancy leave is "
        "right, confirm it and save again (API: confirm_sex_mismatch true)."
    ),
    # data exchange (exchange.md)
    "unknown_department": _(
        "Department code %(department_code)s is not known at this employer; add the department (with this "
        "code) or correct the code, then retry the message."
    ),
    "unknown_employee": _(
        "This employee is not known through this coupling; send the employee's data "
        "(WerknemerGegevens) first."
    ),
    "unknown_absence": _("This absence is not known through this coupling."),
    "too_long": _("At most %(limit)s characters."),
    "url_scheme": _("The address must start with http:// or https://."),
    "coupling_exists": _("This employer already has a coupling with this source system."),
    "operator_only": _("Only the operator activates, suspends and issues keys for couplings."),
    "coupling_not_configured": _(
        "Only a configured or suspended coupling can be activated; answer the questions first."
    ),
    "coupling_without_key": _("Issue an API key for this coupling before activating it."),
    "coupling_not_active": _("This coupling is not active."),
    "message_not_failed": _("Only rejected or failed messages can be retried."),
    "review_decided": _("This proposal has already been decided on."),
    "outbox_not_built": _(
        "This message could not be written in the SIVI format and cannot be sent; correct "
        "the data instead (that sends a new message)."
    ),
    # Datakluis (X7, docs/adr/0018-datakluis.md)
    "vault_key_missing": _(
        "The Datakluis key file is missing or unusable (setting HERSTELD_DATAKLUIS_KEY_FILE); "
        "nothing of this message was stored. Ask the operator to install the key, then retry."
    ),
    "vault_unknown_person": _(
        "No employee with this key (personnel number or the coupling's employee key) at this "
        "employer."
    ),
    "vault_admin": _("Functional administrators do not see Datakluis persons."),
    "cursor_invalid": _("The cursor is not valid; use 0 or the next_cursor of the last page."),
    "done_in_future": _("A step cannot be done on a date in the future."),
    "done_before_first_day": _("A step cannot be done before the first day of absence."),
    "medical_term": _(
        "“%(term)s” is a medical term (%(category)s). Medical data may not be "
        "recorded here.%(suggestion)s"
    ),
    "medical_suggestion": _(" Write for example “%(suggestion)s”."),
    # Messages (P14)
    "thread_not_yours": _(
        "You cannot write in this thread: the medical thread is only for the employee and the bedrijfsarts."
    ),
    "attachment_empty": _("The file %(name)s is empty."),
    "attachment_too_large": _("The file %(name)s is larger than %(max)s MB."),
    "attachment_type": _("The file %(name)s is not a PDF, JPEG or PNG file."),
    "attachment_count": _("Attach at most %(max)s files to one message."),
    # UWV documents (P12, shared/domain/documents.md)
    "document_unknown_type": _("This is not a known document type."),
    "document_unknown_field": _("This document has no such field."),
    "document_field_kind": _("This value is not of the kind this field holds."),
    "document_field_too_long": _("This text is too long for this field."),
    "document_medical_not_allowed": _(
        "Only the company doctor writes the medical part of a document."
    ),
    "document_type_not_allowed": _("You may not draw up or change this kind of document."),
    "document_signer_required": _("Name who signs before the document is made final."),
    "scan_type": _("A signed scan must be a PDF, JPEG or PNG file."),
    "scan_too_large": _("The file is larger than %(limit)s MB."),
    "scan_empty": _("Choose a file to upload."),
    "document_final": _(
        "This document is final and can no longer change; make a new version (bijstelling)."
    ),
    "document_not_final": _("This can only be done with a final document."),
    "document_replaced": _("A newer version of this document already exists."),
    "document_not_yours": _(
        "You may only write your own view on this document; the rest is written by your "
        "employer or case manager."
    ),
    "document_already_signed": _("This version of the document has already been signed by you."),
    "document_not_signer": _("You do not sign this kind of document."),
    "document_remark_required": _("Say why you do not agree."),
    # Retention (docs/rules/privacy.md, "Retention").
    "retention_too_short": _("This retention term may not be shorter than %(years)s years."),
    "retention_too_long": _("A retention term is at most %(years)s years."),
    "erasure_refused_term": _(
        "Cannot be erased yet: the retention term of %(term)s runs until %(until)s."
    ),
    "erasure_refused_open": _(
        "Cannot be erased yet: the retention term of %(term)s runs until %(years)s years "
        "after %(start)s, which has not come yet."
    ),
    "erasure_refused_hold": _(
        "Cannot be erased: a legal hold is on a case of this employee (%(reason)s)."
    ),
    "already_erased": _("This employee has already been anonymised."),
    "hold_already_on": _("A legal hold is already on this case."),
    "hold_not_on": _("There is no legal hold on this case."),
    "erasure_refused_person_hold": _(
        "Cannot be erased: a legal hold is on this employee (%(reason)s)."
    ),
    "person_hold_already_on": _("A legal hold is already on this employee."),
    "person_hold_not_on": _("There is no legal hold on this employee."),
    # GDPR export (docs/rules/privacy.md)
    "request_date_future": _("The date of the request cannot lie in the future."),
}


def message(code: str) -> Any:
    return MESSAGES.get(code, code)


class Problems:
    """Gather every violation of one request, so the person sees all of them at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, code: str, **params: Any) -> None:
        self.errors.setdefault(field, []).append(
            ValidationError(message(code), code=code, params=params or None)
        )

    def check(self, field: str, code: str | None) -> None:
        if code is not None:
            self.add(field, code)

    def require(self, data: dict[str, Any], *fields: str) -> None:
        for name in fields:
            value = data.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.add(name, "required")

    def has(self, field: str) -> bool:
        return field in self.errors

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def fail(field: str, code: str, **params: Any) -> ValidationError:
    error = ValidationError(message(code), code=code, params=params or None)
    return ValidationError({field: [error]})
