"""The API (/api/v1/, ninja's namespace "v1", which ninja reverses at the top level) and the token
pages (namespace "api")."""

from django.urls import include, path

from parindex.api import views
from parindex.api.main import api

token_patterns = [
    path("", views.token_list, name="tokens"),
    path("<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
]

urlpatterns = [
    path("api/v1/", api.urls),
    path("tai-khoan/ma-api/", include((token_patterns, "api"))),
]
