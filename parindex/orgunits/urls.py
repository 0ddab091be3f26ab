from django.urls import path

from parindex.orgunits import views

app_name = "orgunits"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("nhap/", views.unit_import, name="import"),
    path("nhap/mau.xlsx", views.import_template, name="import_template"),
    path("chon/", views.unit_pick, name="pick"),
    path("<int:pk>/", views.unit_detail, name="detail"),
]
