from django.urls import path

from parindex.notifications import views

app_name = "notifications"

urlpatterns = [
    path("da-doc/", views.notifications_read, name="read"),
]
