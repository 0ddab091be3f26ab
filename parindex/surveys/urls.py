from django.urls import path

from parindex.surveys import public, views

app_name = "surveys"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("mo/", views.campaign_create, name="campaign_create"),
    path("bo-cau-hoi/", views.questionnaire_list, name="questionnaires"),
    path("bo-cau-hoi/tai-len/", views.questionnaire_upload, name="questionnaire_upload"),
    path("bo-cau-hoi/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("bo-cau-hoi/<int:pk>.yaml", views.questionnaire_yaml, name="questionnaire_yaml"),
    path("bo-cau-hoi/<int:pk>/sua/", views.questionnaire_edit, name="questionnaire_edit"),
    path("bo-cau-hoi/<int:pk>/sao-chep/", views.questionnaire_copy, name="questionnaire_copy"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/phieu-giay/mau.xlsx", views.paper_template, name="paper_template"),
    path("<int:pk>/phieu-giay/", views.paper_import, name="paper_import"),
    path("<int:pk>/phieu-giay/<int:job_pk>/", views.import_job, name="import_job"),
    path("<int:pk>/cap-nhat-diem/", views.campaign_feed, name="feed"),
    path("<int:pk>/lien-ket/", views.campaign_links, name="links"),
    path("<int:pk>/phieu-can-xem/", views.flagged_forms, name="flagged"),
    path("<int:pk>/phieu/<int:response_pk>/loai/", views.exclude, name="exclude"),
    path("<int:pk>/tai-ve/<str:what>.<str:fmt>", views.export, name="export"),
    path("<int:pk>/ap-phich/<int:link_pk>.pdf", views.poster, name="poster"),
    path("<int:pk>/co-mau/", views.sample, name="sample"),
    path("<int:pk>/co-mau/so-ho-so.xlsx", views.sample_template, name="sample_template"),
    path("<int:pk>/nguoi-nhap-phieu/", views.paper_entry, name="paper_entry"),
    path("<int:pk>/nguoi-tra-loi/", views.respondents, name="respondents"),
    path(
        "<int:pk>/nguoi-tra-loi/mau.xlsx", views.respondents_template, name="respondents_template"
    ),
    path(
        "<int:pk>/nguoi-tra-loi/<int:respondent_pk>/xoa/",
        views.respondent_remove,
        name="respondent_remove",
    ),
    path("p/<str:token>/", public.start, name="public_start"),
    path("p/<str:token>/<int:number>/", public.step, name="public_step"),
    path("p/<str:token>/cam-on/", public.done, name="public_done"),
    path("r/<str:token>/", public.respondent_home, name="respondent_home"),
    path(
        "r/<str:token>/<str:unit_code>/<int:number>/",
        public.respondent_step,
        name="respondent_step",
    ),
]
