"""The REST API, version 1: /api/v1/ (schema at /api/v1/openapi.json, docs at /api/v1/docs).

Every operation authenticates with a personal token (`auth.TokenAuth`), then asks the same
permission service as the pages; a denied read is a 404, a denied write a 403.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from parindex.api import assessments, errors, frameworks, plans, results, surveys, units
from parindex.api.auth import TokenAuth


class VendoredSwagger(Swagger):
    """Swagger UI from static/vendor/swagger-ui (see static/vendor/README.md): never a CDN."""

    template = "api/docs.html"


api = NinjaAPI(
    title="ParIndex API",
    version="1",
    description=(
        "ParIndex REST API. Authenticate with `Authorization: Bearer <token>` (create a token in "
        "Tài khoản › Mã truy cập API). Errors: `{code, message, details}`; messages follow "
        "`Accept-Language` (vi or en). Scores are exact decimal strings."
    ),
    auth=TokenAuth(),
    urls_namespace="v1",
    docs=VendoredSwagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for module in (units, frameworks, assessments, results, surveys, plans):
    api.add_router("", module.router)
