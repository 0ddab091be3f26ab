from django.urls import path

from parindex.evidence import views

app_name = "evidence"

urlpatterns = [
    path("tim-kiem/", views.search_documents, name="search"),
    path("<int:pk>/", views.document_facts, name="document"),
    path("<int:pk>/doc-lai/", views.document_reread, name="reread"),
]
