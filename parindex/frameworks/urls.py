from django.urls import path

from parindex.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("moi/", views.framework_create, name="create"),
    path("nhap/", views.framework_import, name="import"),
    path("nhap/mau.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/sua/", views.framework_edit, name="edit"),
    path("<int:pk>/cong-bo/", views.framework_publish, name="publish"),
    path("<int:pk>/luu-tru/", views.framework_archive, name="archive"),
    path("<int:pk>/xoa/", views.framework_delete, name="delete"),
    path("<int:pk>/phien-ban-moi/", views.framework_clone, name="clone"),
    path("<int:pk>/so-sanh/", views.framework_compare, name="compare"),
    path("<int:pk>/tai-ve.<str:fmt>", views.framework_export, name="export"),
    path("<int:pk>/tieu-chi/them/", views.node_add, name="node_add"),
    path("<int:pk>/tieu-chi/<int:node_pk>/", views.node_row, name="node_row"),
    path("<int:pk>/tieu-chi/<int:node_pk>/sua/", views.node_edit, name="node_edit"),
    path("<int:pk>/tieu-chi/<int:node_pk>/xoa/", views.node_delete, name="node_delete"),
]
