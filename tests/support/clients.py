"""A JSON API client with a bearer token, for the `api` and `api_as` fixtures and their users."""

from __future__ import annotations

from typing import Any

from django.test import Client

from hersteld.accounts.models import User
from hersteld.accounts.services import issue_token


class ApiClient:
    """A JSON client with a bearer token of one user."""

    def __init__(self, user: User) -> None:
        self.user = user
        raw, _ = issue_token(user=user, name="tests")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params)

    def post(self, path: str, data: Any) -> Any:
        return self.client.post(path, data, content_type="application/json")

    def patch(self, path: str, data: Any) -> Any:
        return self.client.patch(path, data, content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(path)
