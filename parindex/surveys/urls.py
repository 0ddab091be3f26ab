from django.urls import path

from parindex.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("mo/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/phieu-giay/mau.xlsx", views.paper_template, name="paper_template"),
    path("<int:pk>/phieu-giay/", views.paper_import, name="paper_import"),
    path("<int:pk>/cap-nhat-diem/", views.campaign_feed, name="feed"),
]
