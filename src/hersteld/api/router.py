"""The REST API v1 (B1): one NinjaAPI, one auth layer, one error shape."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from hersteld.absence.api import router as absence_router
from hersteld.accounts.api import router as auth_router
from hersteld.api.auth import AUTH, docs_access
from hersteld.api.openapi import document_error_statuses
from hersteld.consults.api import router as consults_router
from hersteld.documents.api import router as documents_router
from hersteld.exchange.api import router as exchange_router
from hersteld.exchange.import_api import router as import_router
from hersteld.messaging.api import router as messaging_router
from hersteld.organisations.api import router as organisations_router
from hersteld.people.api import router as people_router
from hersteld.poortwachter.api import router as poortwachter_router
from hersteld.privacy.api import router as privacy_router
from hersteld.statistics.api import router as statistics_router
from hersteld.web import errors
from hersteld.web.access import install_access_checks


class HersteldApi(NinjaAPI):
    """Ninja's API with every operation's error answers in the schema (hersteld.api.openapi)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(*args, **kwargs)
        document_error_statuses(schema)
        return schema


api = HersteldApi(
    title="Hersteld API",
    version="1",
    description=(
        "REST API of Hersteld. Authenticate with `POST /api/v1/auth/token` and send "
        "`Authorization: Bearer <token>`. Objects outside your scope answer 404. "
        'Errors: `{"detail", "errors": [{"field", "code", "message"}]}`.'
    ),
    auth=AUTH,
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=docs_access,
    urls_namespace="api",
)
errors.install(api)
api.add_router("/v1/auth", auth_router)
api.add_router("/v1", organisations_router)
api.add_router("/v1", people_router)
api.add_router("/v1", privacy_router)
api.add_router("/v1", absence_router)
api.add_router("/v1", poortwachter_router)
api.add_router("/v1", messaging_router)
api.add_router("/v1", consults_router)
api.add_router("/v1", documents_router)
api.add_router("/v1", exchange_router)
api.add_router("/v1", import_router)
api.add_router("/v1", statistics_router)
install_access_checks(api)
