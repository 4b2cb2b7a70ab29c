"""One set of field rules over both formats: the reader interface and reading the model."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from hersteld.exchange.codec.model import (
    CAUSE_CODES,
    CONTACT_ROLES,
    CONTRACT_CODES,
    END_REASON_CODES,
    GENDERS,
    MAX_HOURS,
    MAX_PERCENTAGE,
    MAX_SALARY,
    MAX_SEQUENCE,
    MUTATION_KINDS,
    NAME_USE_CODES,
    OTHER_CAUSE,
    OWN_NAME,
    PROCESSING_CODES,
    AbsenceMutation,
    Address,
    CodecError,
    ContactPerson,
    ContractType,
    EmployeeData,
    EmployerKey,
    EmploymentData,
    Format,
    MessageType,
    MutationKind,
)
from hersteld.exchange.codec.values import (
    T,
    _Bad,
    _bsn,
    _choice,
    _date,
    _decimal,
    _house_number_nl,
    _integer,
    _postcode_nl,
    _text,
)

# --- readers: one set of field rules over both formats -------------------------------------


@dataclass(frozen=True)
class _Key:
    """A field by its SIVI element name and its JSON key."""

    sivi: str  # "" when SIVI has no such element (JSON only)
    json: str  # "" when JSON has no such field (SIVI only)


K = _Key


class _Invalid:
    """A value that was present but unusable (the error is already recorded)."""


_INVALID: Final = _Invalid()


class _Reader(ABC):
    fmt: Format

    def __init__(self, path: str, errors: list[CodecError]) -> None:
        self.path = path
        self.errors = errors

    @abstractmethod
    def name(self, key: _Key) -> str: ...

    def at(self, key: _Key) -> str:
        return f"{self.path}/{self.name(key)}"

    def fail(self, key: _Key, rule: str, message: str) -> None:
        self.errors.append(CodecError(self.at(key), rule, message))

    @abstractmethod
    def raw(self, key: _Key, *, numeric: bool = False) -> str | _Invalid | None:
        """The stripped text of a field; None when absent or empty."""

    @abstractmethod
    def has(self, key: _Key) -> bool: ...

    def get(
        self,
        key: _Key,
        convert: Callable[[str], T],
        *,
        required: bool = False,
        numeric: bool = False,
    ) -> T | None:
        raw = self.raw(key, numeric=numeric)
        if isinstance(raw, _Invalid):
            return None
        if raw is None:
            if required:
                self.fail(key, "required", f"{self.name(key)} is required")
            return None
        try:
            return convert(raw)
        except _Bad as bad:
            self.fail(key, bad.rule, bad.message)
            return None

    def text(
        self, key: _Key, max_length: int, *, required: bool = False, no_digits: bool = False
    ) -> str | None:
        return self.get(key, _text(max_length, no_digits=no_digits), required=required)

    def date(self, key: _Key, *, required: bool = False) -> dt.date | None:
        return self.get(key, _date, required=required)

    def decimal(self, key: _Key, maximum: Decimal, *, required: bool = False) -> Decimal | None:
        return self.get(key, _decimal(maximum), required=required, numeric=True)

    def integer(self, key: _Key, maximum: int, *, required: bool = False) -> int | None:
        return self.get(key, _integer(maximum), required=required, numeric=True)

    def choice(
        self,
        key: _Key,
        sivi: Mapping[str, T],
        json_values: Mapping[str, T],
        *,
        required: bool = False,
    ) -> T | None:
        return self.get(
            key, _choice(sivi if self.fmt == "sivi" else json_values), required=required
        )

    @abstractmethod
    def flag(self, key: _Key, *, unknown_ok: bool = False) -> bool | None:
        """SIVI: a required J/N (and O = unknown -> None); JSON: optional true/false/null."""

    @abstractmethod
    def forbid(self, key: _Key) -> None:
        """JSON: the field must be absent (SIVI messages simply lack such elements)."""

    @abstractmethod
    def children(self, key: _Key, *, min_occurs: int, max_occurs: int | None) -> list[_Reader]: ...

    def child(self, key: _Key, *, required: bool) -> _Reader | None:
        found = self.children(key, min_occurs=1 if required else 0, max_occurs=1)
        return found[0] if found else None

    @abstractmethod
    def address_source(self) -> tuple[_Reader, str] | None:
        """The reader of the home address and its country code, if any."""

    @abstractmethod
    def communication(self) -> tuple[str | None, str | None]:
        """Phone and e-mail."""

    @abstractmethod
    def note(self) -> str | None: ...

    def finish(self) -> None:
        """Called when an object has been read (JSON reports fields it does not know)."""
        return None


# --- reading the model (shared by both formats) ---------------------------------------------

_NO_DATE: Final = dt.date(1, 1, 1)
_NO_TIME: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ZERO: Final = Decimal("0.00")
_PERSONAL_KEYS: Final = (
    K("SofiNr", "bsn"),
    K("SignNm", "surname"),
    K("Voorl", "initials"),
    K("Voorv", "surname_prefix"),
    K("Roepnaam", "first_name"),
    K("", "address"),
    K("", "phone"),
    K("", "email"),
    K("NmvrkrCd", "name_use"),
)


def _read_contacts(r: _Reader, key: _Key) -> tuple[ContactPerson, ...]:
    """Cntprsn elements (JSON: `contacts`); SIVI's IdWrknmr, Persnr and GslchtCd are not used."""
    roles = {code: code for code in CONTACT_ROLES}
    contacts: list[ContactPerson] = []
    for c in r.children(key, min_occurs=0, max_occurs=9):
        surname = c.text(K("Achternaam", "surname"), 200, required=True)
        initials = c.text(K("Voorl", "initials"), 6, no_digits=True)
        first_name = c.text(K("Roepnaam", "first_name"), 35, no_digits=True)
        role = c.choice(K("RolCntprsnCd", "role"), roles, roles, required=True)
        phone, email = c.communication()
        c.finish()
        contacts.append(
            ContactPerson(
                surname=surname or "",
                initials=initials,
                first_name=first_name,
                role=role or CONTACT_ROLES[0],
                phone=phone,
                email=email,
            )
        )
    return tuple(contacts)


def _read_employer(r: _Reader) -> EmployerKey:
    trade_name = r.text(K("HndlsnmOrg", "trade_name"), 100)
    employer_key = r.text(K("IdWrkgvrArbdnst", "employer_key"), 40, required=True)
    # Required by SIVI, but may be empty: a coupling without a connection number sends <.../>.
    connection_no = r.text(
        K("AansltnrGeguitwlngArbdnst", "connection_no"), 70, required=r.fmt == "json"
    )
    payroll_tax_number = r.text(K("Lhnr", "payroll_tax_number"), 12)
    contacts = _read_contacts(r, K("Cntprsn", "contacts"))
    r.finish()
    return EmployerKey(
        employer_key=employer_key or "",
        connection_no=connection_no or "",
        trade_name=trade_name,
        payroll_tax_number=payroll_tax_number,
        contacts=contacts,
    )


def _read_address(r: _Reader) -> Address | None:
    source = r.address_source()
    if source is None:
        return None
    a, country = source
    if country == "NL":
        postcode = a.get(K("Pc", "postcode"), _postcode_nl, required=True)
        city = a.text(K("Wnpl", "city"), 24, required=True)
        street = a.text(K("StraatLang", "street"), 80)
        house_number = a.get(
            K("Huisnr", "house_number"), _house_number_nl, required=True, numeric=True
        )
        addition = a.text(K("HuisToev", "addition"), 4)
    else:
        postcode = a.text(K("PcBtl", "postcode"), 9)
        city = a.text(K("WnplBtl", "city"), 24, required=True)
        street = a.text(K("StraatLang", "street"), 80)
        house_number = a.get(K("HuisnrBtl", "house_number"), _text(9), required=True, numeric=True)
        a.forbid(K("", "addition"))
        addition = None
    a.finish()
    return Address(
        street=street,
        house_number=house_number or "",
        addition=addition,
        postcode=postcode,
        city=city or "",
        country=country,
    )


def _read_employee(r: _Reader, message_type: MessageType) -> EmployeeData:
    personal = message_type != "employment"
    if not personal:
        for key in _PERSONAL_KEYS:
            r.forbid(key)
    bsn = r.get(K("SofiNr", "bsn"), _bsn) if personal else None
    birth_date = r.date(K("Gebdat", "birth_date"), required=True)
    surname = r.text(K("SignNm", "surname"), 200, required=True) if personal else None
    initials = (
        r.text(K("Voorl", "initials"), 6, required=True, no_digits=True) if personal else None
    )
    prefix = r.text(K("Voorv", "surname_prefix"), 10, no_digits=True) if personal else None
    first_name = r.text(K("Roepnaam", "first_name"), 35, no_digits=True) if personal else None
    name_uses = {code: code for code in NAME_USE_CODES}
    name_use = r.choice(K("NmvrkrCd", "name_use"), name_uses, name_uses) if personal else None
    gender = r.choice(K("GslchtCd", "gender"), GENDERS, GENDERS, required=True)
    external_id = r.text(K("IdWrknmr", "external_id"), 40, required=True)
    previous_external_id = r.text(K("IdWrknmrOud", "previous_external_id"), 40)
    address = _read_address(r) if personal else None
    phone, email = r.communication() if personal else (None, None)
    r.finish()
    return EmployeeData(
        external_id=external_id or "",
        previous_external_id=previous_external_id,
        bsn=bsn,
        birth_date=birth_date or _NO_DATE,
        surname=surname,
        surname_prefix=prefix,
        initials=initials,
        first_name=first_name,
        gender=gender or "O",
        address=address,
        phone=phone,
        email=email,
        name_use=name_use or OWN_NAME,
    )


def _read_employment(r: _Reader) -> EmploymentData:
    valid_from = r.date(K("IngdatMut", "valid_from"))
    external_id = r.text(K("IdDnstvbnd", "external_id"), 40, required=True)
    previous_external_id = r.text(K("IdDnstvbndOud", "previous_external_id"), 40)
    start_date = r.date(K("Ingdat", "start_date"), required=True)
    end_date = r.date(K("Enddat", "end_date"))
    reasons = {code: code for code in END_REASON_CODES}
    end_reason = r.choice(K("RdEndDnstvbndCd", "end_reason"), reasons, reasons)
    personnel_number = r.text(K("PersNr", "personnel_number"), 35)
    previous_personnel_number = r.text(K("PersNrOud", "previous_personnel_number"), 35)
    function_name = r.text(K("NmFnct", "function_name"), 35)
    department_name = r.text(K("NmOrgeenh", "department_name"), 70)
    department_code = r.text(K("OrgeenhCd", "department_code"), 70, required=True)
    contract_types: dict[str, ContractType] = {"fixed": "fixed", "permanent": "permanent"}
    contract_type = r.choice(K("CdBepTd", "contract_type"), CONTRACT_CODES, contract_types)
    hours_per_week = r.decimal(K("AantCtrcturenPWk", "hours_per_week"), MAX_HOURS)
    annual_salary = r.decimal(K("", "annual_salary"), MAX_SALARY)
    contacts = _read_contacts(r, K("Cntprsn", "contacts"))
    if start_date and end_date and end_date < start_date:
        r.fail(K("Enddat", "end_date"), "date_order", "the end date lies before the start date")
    r.finish()
    return EmploymentData(
        external_id=external_id or "",
        previous_external_id=previous_external_id,
        personnel_number=personnel_number,
        previous_personnel_number=previous_personnel_number,
        start_date=start_date or _NO_DATE,
        end_date=end_date,
        end_reason=end_reason,
        department_code=department_code or "",
        department_name=department_name,
        function_name=function_name,
        hours_per_week=hours_per_week,
        valid_from=valid_from,
        contract_type=contract_type,
        annual_salary=annual_salary,
        contacts=contacts,
    )


def _read_absence(r: _Reader) -> AbsenceMutation:
    kinds: dict[str, tuple[MutationKind, bool]] = {kind: (kind, False) for kind in MUTATION_KINDS}
    code = r.choice(K("VrwrkCd", "kind"), PROCESSING_CODES, kinds, required=True)
    kind, closing = code or ("sick_report", False)
    mutation_date = r.date(K("IngdatMutVrzm", "mutation_date"), required=True)
    absence_id = r.text(K("VrzmgvlId", "absence_id"), 40, required=True)
    previous_absence_id = r.text(K("VrzmgvlIdOud", "previous_absence_id"), 40)
    sequence = r.integer(K("VrzmgvlVnrMld", "sequence"), MAX_SEQUENCE, required=True)
    ends_key = K("EndVrzmJN", "ends_absence")
    ends_absence = r.flag(ends_key)
    first_day = r.date(K("DatEerstVrzmdg", "first_day"), required=True)
    recovered_key = K("DatHrstld", "recovered_on")
    recovered_on = r.date(recovered_key)
    expected_recovery = r.date(K("DatVrwHrstl", "expected_recovery"))
    percentage = r.decimal(K("PrcVrzm", "percentage"), MAX_PERCENTAGE, required=True)
    safety_net = r.flag(K("VngntJN", "safety_net"), unknown_ok=True)
    causes = {code: code for code in CAUSE_CODES}
    cause = r.choice(K("OorzkVrzmCd", "cause"), causes, causes)
    therapeutic = r.decimal(K("PrcArbther", "therapeutic_percentage"), MAX_PERCENTAGE)
    contacts = _read_contacts(r, K("Cntprsn", "contacts"))
    note = r.note()
    if ends_absence is None and r.fmt == "json":
        ends_absence = kind == "recovery" and percentage == 0
    if closing and ends_absence is False:
        r.fail(ends_key, "inconsistent", "VrwrkCd 03 (end of the absence) needs EndVrzmJN J")
    if kind == "recovery" and ends_absence and not r.has(recovered_key):
        r.fail(recovered_key, "required", "a recovery that ends the absence needs its date")
    if recovered_on and first_day and recovered_on < first_day:
        r.fail(recovered_key, "date_order", "the recovery date lies before the first day")
    r.finish()
    return AbsenceMutation(
        kind=kind,
        absence_id=absence_id or "",
        previous_absence_id=previous_absence_id,
        sequence=sequence or 0,
        mutation_date=mutation_date or _NO_DATE,
        first_day=first_day or _NO_DATE,
        recovered_on=recovered_on,
        percentage=percentage or _ZERO,
        therapeutic_percentage=therapeutic,
        safety_net=safety_net,
        expected_recovery=expected_recovery,
        ends_absence=bool(ends_absence),
        note=note,
        cause=cause or OTHER_CAUSE,
        contacts=contacts,
    )
