"""Reads for the user page's security sections, so each section is one include (issue 11 S3/S5).

The user page's view has already fetched `target` within the admin's scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from hersteld.accounts import selectors
from hersteld.accounts.models import ApiToken, PortalSession, User

register = template.Library()


@register.simple_tag
def tokens_of(target: User) -> list[ApiToken]:
    return list(selectors.tokens_of(target))


@register.simple_tag
def sessions_of(target: User) -> list[PortalSession]:
    return selectors.sessions_of(target)


@register.simple_tag
def lockout_of(target: User) -> dt.datetime | None:
    return selectors.lockout_of(target)


@register.filter
def usable(tokens: list[Any]) -> list[Any]:
    return [token for token in tokens if token.is_usable]
