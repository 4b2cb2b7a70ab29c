"""Shared pieces of the API schemas: strict request bodies, bounded input, bounded pagination.

Every integer the API accepts has bounds, so that no value reaches the database that it
cannot hold (an id beyond 64 bits, a page whose offset overflows); dates stay in years the
law's date arithmetic can handle, and texts carry no NUL (PostgreSQL refuses it). Such
input answers 422 in the usual error shape, never 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from hersteld.core.validation import FIRST_YEAR, LAST_YEAR, MAX_ID

MAX_PAGE_SIZE = 100
"""The largest page; a larger `page_size` (up to MAX_ID) gives this many items."""

MAX_HOUSE_NUMBER = 999_999_999
"""What a SIVI house number can carry (9 digits); Dutch addresses stop at 99999 (rules)."""

Id = Annotated[int, Field(ge=1, le=MAX_ID, description=f"an id: 1 to {MAX_ID}")]
"""An object id in a path, query or body: the range of a 64-bit database key."""

HouseNumber = Annotated[int, Field(ge=1, le=MAX_HOUSE_NUMBER)]


def _within_years(value: Any) -> Any:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "date_out_of_range",
            "Input should lie in the years {first} to {last}",
            {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


Day = Annotated[dt.date, AfterValidator(_within_years)]
"""A date in a body or query, in the years FIRST_YEAR to LAST_YEAR."""


def _in_utc(value: dt.datetime) -> dt.datetime:
    """ISO 8601 allows any offset up to 23:59; PostgreSQL refuses one beyond 15:59 (a 500
    found by schemathesis). The same moment in UTC is what the query compares anyway."""
    return value.astimezone(dt.UTC) if value.tzinfo is not None else value


Timestamp = Annotated[dt.datetime, AfterValidator(_within_years), AfterValidator(_in_utc)]
"""A date and time in a query (e.g. `changed_after`), in the years FIRST_YEAR to LAST_YEAR."""


def _without_nul(value: Any) -> Any:
    """PostgreSQL cannot store the character NUL (0x00) in text; refuse it before a query."""
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("string_nul", "Input should not contain the character NUL")
    return value


Text = Annotated[str, AfterValidator(_without_nul)]
"""A text in a query (e.g. `search`): no NUL character."""


class InputSchema(Schema):
    """Base schema for request bodies: an unknown field is an error, never silently ignored."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def no_nul_character(cls, value: Any) -> Any:
        return _without_nul(value)


class Pagination(PageNumberPagination):
    """Ninja's page-number pagination with bounded input; a page past the end is empty.

    It pages a queryset or a list (e.g. the errors an import run holds).

    The offset is only computed into SQL when the page exists, so a huge page number
    answers an empty page instead of an integer overflow in the database.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_ID)
        page_size: int | None = Field(
            None, ge=1, le=MAX_ID, description=f"at most {MAX_PAGE_SIZE} items are returned"
        )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Any,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        count = self._items_count(queryset)
        offset = (pagination.page - 1) * page_size
        items = queryset[offset : offset + page_size] if offset < count else queryset[:0]
        return {self.items_attribute: items, "count": count}


class HoldIn(InputSchema):
    """Setting or lifting a legal hold (docs/rules/privacy.md): the reason is kept."""

    reason: Text = Field(description="Why the hold is set or lifted, e.g. a dispute or a claim.")


class HoldOut(Schema):
    """The legal hold of a case or a person, as the arbodienst's staff see it."""

    on_hold: bool
    hold_since: dt.datetime | None = Field(description="When the hold was set; null when off.")
    hold_reason: str = Field(description="Why it was set; empty when off.")
    hold_by_name: str = Field(description="Who set it; empty when off.")
