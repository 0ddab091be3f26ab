from django.urls import path

from parindex.surveys import public, views

app_name = "surveys"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("mo/", views.campaign_create, name="campaign_create"),
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
    path("p/<str:token>/", public.start, name="public_start"),
    path("p/<str:token>/<int:number>/", public.step, name="public_step"),
    path("p/<str:token>/cam-on/", public.done, name="public_done"),
]
