from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.i18n import set_language

from parindex.scoring.urls import public_urlpatterns

# The database gone away gets its own page (503); any other error the plain 500 page.
handler500 = "parindex.core.errors.server_error"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("parindex.accounts.urls")),
    path("", include("parindex.core.urls")),
    path("don-vi/", include("parindex.orgunits.urls")),
    path("nhat-ky/", include("parindex.audit.urls")),
    path("bo-chi-so/", include("parindex.frameworks.urls")),
    path("danh-gia/", include("parindex.assessments.urls")),
    path("tai-lieu/", include("parindex.evidence.urls")),
    path("thong-bao/", include("parindex.notifications.urls")),
    path("khao-sat/", include("parindex.surveys.urls")),
    path("ket-qua/", include("parindex.scoring.urls")),
    path("ke-hoach/", include("parindex.plans.urls")),
    path("thi-dua/", include("parindex.awards.urls")),
    path("", include("parindex.api.urls")),
    path("cong-khai/", include((public_urlpatterns, "public"))),
    path("huong-dan/", include("parindex.core.help")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
