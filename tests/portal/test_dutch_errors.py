"""Every form error a portal user reads is Dutch (issue 11 item 12).

Each portal form is submitted empty and with wrong values (a date that does not exist, text
in a number field, an unknown choice, too long a text, a bad e-mail address, a weak password)
and every error on the page, field or form-wide, and every flash message must be free of
English. Django's own Dutch catalogue does not cover everything: Django 5.2.19 changed the
msgid of the "password too short" message and its Dutch catalogue still has the old one, so
the project's catalogue carries it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.contrib.messages import ERROR, get_messages
from django.utils import translation

from hersteld.absence.models import AbsenceCase
from hersteld.accounts.models import User
from hersteld.exchange.models import Coupling
from hersteld.organisations.models import Employer
from hersteld.people.models import Employment
from hersteld.poortwachter.models import Todo
from tests.support.world import World

pytestmark = pytest.mark.django_db

# Words that occur in English error texts and never in Dutch ones.
ENGLISH = frozenset(
    [
        "the",
        "this",
        "that",
        "must",
        "field",
        "required",
        "enter",
        "valid",
        "please",
        "least",
        "characters",
        "should",
        "cannot",
        "too",
        "short",
        "choice",
        "select",
        "ensure",
        "have",
        "which",
        "with",
        "does",
        "your",
        "than",
        "only",
        "invalid",
        "already",
        "exists",
        "password",
        "similar",
        "common",
        "entirely",
        "numeric",
        "match",
        "file",
        "submitted",
    ]
)


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower())) & ENGLISH


def devries(w: World) -> Employer:
    return w.employer


def open_sickness(w: World) -> AbsenceCase:
    return w.report_sick()


def employment(w: World) -> Employment:
    return w.own_employment


def todo(w: World) -> Todo:
    return Todo.objects.filter(case=w.report_sick(), done_on=None).first()


def target_user(w: World) -> User:
    return w.manager


def coupling(w: World) -> Coupling:
    return w.coupling()


# (persona, page to GET for the form, form in the context, where the form posts)
Path = Callable[[World], str]
CASES: list[tuple[str, Path, str, Path | None]] = [
    ("admin", lambda w: "/users/add/", "form", None),
    ("admin", lambda w: f"/users/{target_user(w).pk}/", "form", None),
    ("admin", lambda w: f"/users/{target_user(w).pk}/scope/", "form", None),
    (
        "admin",
        lambda w: f"/users/{target_user(w).pk}/",
        "grant_form",
        lambda w: f"/users/{target_user(w).pk}/grants/add/",
    ),
    (
        "admin",
        lambda w: f"/users/{target_user(w).pk}/",
        "password_form",
        lambda w: f"/users/{target_user(w).pk}/password/",
    ),
    ("hr", lambda w: "/profile/tokens/", "form", None),
    ("admin", lambda w: "/employers/add/", "form", None),
    ("admin", lambda w: f"/employers/{devries(w).pk}/edit/", "form", None),
    (
        "admin",
        lambda w: f"/employers/{devries(w).pk}/",
        "form",
        lambda w: f"/employers/{devries(w).pk}/departments/add/",
    ),
    (
        "admin",
        lambda w: f"/departments/{w.department.pk}/edit/",
        "form",
        None,
    ),
    ("hr", lambda w: "/employments/add/", "form", None),
    ("hr", lambda w: f"/employments/{employment(w).pk}/edit/", "form", None),
    ("hr", lambda w: f"/employments/{employment(w).pk}/end/", "form", None),
    ("hr", lambda w: f"/employees/{employment(w).employee_id}/edit/", "form", None),
    ("hr", lambda w: f"/cases/add/{employment(w).pk}/?kind=sickness", "form", None),
    ("hr", lambda w: f"/cases/add/{employment(w).pk}/?kind=pregnancy_leave", "form", None),
    ("hr", lambda w: f"/cases/add/{employment(w).pk}/?kind=preventive", "form", None),
    ("casemanager", lambda w: f"/cases/{open_sickness(w).pk}/correct/", "form", None),
    ("casemanager", lambda w: f"/cases/{open_sickness(w).pk}/withdraw/", "form", None),
    ("casemanager", lambda w: f"/cases/{open_sickness(w).pk}/recoveries/add/", "form", None),
    ("casemanager", lambda w: f"/cases/{open_sickness(w).pk}/?tab=notes", "form", None),
    ("medic", lambda w: f"/cases/{open_sickness(w).pk}/?tab=medical", "form", None),
    ("casemanager", lambda w: f"/cases/{open_sickness(w).pk}/todos/add/", "form", None),
    ("casemanager", lambda w: f"/todos/{todo(w).pk}/done/", "form", None),
    ("admin", lambda w: "/couplings/add/", "form", None),
    ("admin", lambda w: f"/couplings/{coupling(w).pk}/edit/", "form", None),
    ("hr", lambda w: "/exchange/import/", "form", None),
]


def wrong_value(field: forms.Field) -> Any:
    """A value the field must refuse, or an empty one."""
    if isinstance(field, forms.FileField):
        return None
    if isinstance(field, forms.ModelChoiceField | forms.TypedChoiceField | forms.ChoiceField):
        return "999999999"
    if isinstance(field, forms.DateField):
        return "31-02-2026"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "veel"
    if isinstance(field, forms.EmailField):
        return "geen-adres"
    if isinstance(field, forms.URLField):
        return "geen url"
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.CharField):
        if "password" in field.widget.__class__.__name__.lower() or isinstance(
            field.widget, forms.PasswordInput
        ):
            return "1234"
        if field.max_length:
            return "x" * (field.max_length + 1)
        return "x"
    return "x"


def texts_on(response: Any) -> list[str]:
    """Every form error on the rendered page and every error message shown on top."""
    found: list[str] = []
    context = response.context
    if context is not None:
        for key in context.keys():  # noqa: SIM118 (a ContextList iterates its layers)
            value = context[key]
            if isinstance(value, forms.BaseForm) and value.is_bound:
                for errors in value.errors.values():
                    found.extend(str(error) for error in errors)
    found.extend(str(m) for m in get_messages(response.wsgi_request) if m.level == ERROR)
    return found


def assert_dutch(texts: list[str], where: str) -> None:
    english = {text: english_words(text) for text in texts if english_words(text)}
    assert not english, f"English on {where}: {english}"


@pytest.mark.parametrize(
    ("username", "page", "name", "action"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_every_portal_form_shows_its_errors_in_dutch(
    world, sign_in, username: str, page: Path, name: str, action: Path | None
) -> None:
    client = sign_in(getattr(world, username))
    page_path = page(world)
    post_path = action(world) if action else page_path
    response = client.get(page_path)
    assert response.status_code == 200, page_path
    form = response.context[name]
    assert isinstance(form, forms.BaseForm), name
    wrong, empty = {}, {}
    for field_name, field in form.fields.items():
        empty[form.add_prefix(field_name)] = ""
        value = wrong_value(field)
        if value is not None:
            wrong[form.add_prefix(field_name)] = value
    seen: list[str] = []
    for data in (empty, wrong):
        with translation.override("nl"):
            result = client.post(post_path, data, follow=True)
        assert result.status_code < 500
        seen.extend(texts_on(result))
    assert seen, f"no error on {post_path}"
    assert_dutch(seen, post_path)


def test_the_password_validators_speak_dutch(world) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = world.hr
    for weak in ("kort", "123456789012345", "password1234", user.username + "1"):
        with translation.override("nl"), pytest.raises(ValidationError) as info:
            validate_password(weak, user=user)
        assert_dutch(info.value.messages, f"validate_password({weak!r})")
    with translation.override("nl"), pytest.raises(ValidationError) as info:
        validate_password("kort", user=user)
    assert "Dit wachtwoord is te kort" in info.value.messages[0]


def test_log_in_otp_and_password_reset_errors_are_dutch(world, sign_in, client: Any) -> None:
    seen: list[str] = []
    for data in ({}, {"username": world.hr.username, "password": "fout"}):
        seen.extend(texts_on(client.post("/accounts/login/", data)))
    seen.extend(texts_on(client.post("/accounts/password-reset/", {"email": "geen-adres"})))
    seen.extend(texts_on(client.post("/accounts/password-reset/", {})))
    otp_client = sign_in(world.casemanager)
    for data in ({}, {"otp": "12"}, {"otp": "abcdef"}):
        seen.extend(texts_on(otp_client.post("/accounts/otp/", data)))
    assert len(seen) >= 5
    assert_dutch(seen, "log-in, OTP and password reset")


def test_the_password_reset_confirm_form_is_dutch(world, client: Any) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world.hr
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    first = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    seen: list[str] = []
    for data in (
        {},
        {"new_password1": "kort", "new_password2": "anders"},
        {"new_password1": "kort", "new_password2": "kort"},
    ):
        seen.extend(texts_on(client.post(first.request["PATH_INFO"], data)))
    assert any("te kort" in text for text in seen)
    assert_dutch(seen, "password reset confirm")
