from django.urls import path

from parindex.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.cycle_list, name="cycles"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/xa/<str:code>/", views.scorecard, name="scorecard"),
    path("<int:pk>/xa/<str:code>/neu-khac-phuc/", views.what_if_view, name="what_if"),
    path("<int:pk>/cong-bo/", views.publication, name="publication"),
    path("<int:pk>/cong-bo/chuan-bi/", views.prepare, name="prepare"),
    path("<int:pk>/cong-bo/<int:version>/duyet/", views.approve, name="approve"),
    path("<int:pk>/cong-bo/<int:version>/cong-bo/", views.publish, name="publish"),
    path("<int:pk>/xep-hang/", views.ranking_settings, name="ranking_settings"),
    path("<int:pk>/xa/<str:code>/phieu-ket-qua.pdf", views.scorecard_file, name="scorecard_pdf"),
    path("<int:pk>/tai-ve/<str:kind>/", views.export, name="export"),
    path("<int:pk>/tai-ve/viec/<int:job_pk>/", views.export_job, name="export_job"),
    path("<int:pk>/tai-ve/viec/<int:job_pk>/tep/", views.export_file, name="export_file"),
]

public_urlpatterns = [
    path("", views.public_list, name="list"),
    path("<int:pk>/", views.public_ranking, name="ranking"),
    path("<int:pk>/<str:code>/", views.public_scorecard, name="scorecard"),
]
