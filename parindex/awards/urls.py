from django.urls import path

from parindex.awards import views

app_name = "awards"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("moi/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/sua/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/trang-thai/", views.campaign_status, name="campaign_status"),
    path("<int:pk>/dieu-kien/", views.rules, name="rules"),
    path("<int:pk>/chi-tieu/", views.targets, name="targets"),
    path("<int:pk>/xet-khen-thuong/", views.review, name="review"),
    path("<int:pk>/quyet-dinh-khen-thuong.docx", views.export_docx, name="export_docx"),
    path("<int:pk>/danh-sach-khen-thuong.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/de-nghi/moi/", views.nomination_create, name="nomination_create"),
    path("de-nghi/<int:pk>/", views.nomination_detail, name="nomination"),
    path("de-nghi/<int:pk>/sua/", views.nomination_edit, name="nomination_edit"),
    path("de-nghi/<int:pk>/dinh-kem/", views.nomination_cite, name="nomination_cite"),
    path("de-nghi/<int:pk>/tai-len/", views.nomination_upload, name="nomination_upload"),
    path(
        "de-nghi/<int:pk>/bo-tai-lieu/<int:citation_pk>/",
        views.nomination_uncite,
        name="nomination_uncite",
    ),
    path("de-nghi/<int:pk>/gui/", views.nomination_submit, name="nomination_submit"),
    path("de-nghi/<int:pk>/bieu-quyet/", views.nomination_vote, name="nomination_vote"),
    path("de-nghi/<int:pk>/quyet-dinh/", views.nomination_decide, name="nomination_decide"),
]
