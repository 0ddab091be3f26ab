from django.urls import path

from parindex.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.cycle_list, name="cycles"),
    path("mo-ky/", views.cycle_create, name="cycle_create"),
    path("ky/<int:pk>/", views.cycle_detail, name="cycle"),
    path("ky/<int:pk>/lich/", views.cycle_edit, name="cycle_edit"),
    path("ky/<int:pk>/chot-tu-danh-gia/", views.cycle_close_self, name="cycle_close_self"),
    path("ky/<int:pk>/phan-cong/", views.cycle_assign, name="cycle_assign"),
    path("<int:pk>/", views.assessment_detail, name="assessment"),
    path("<int:pk>/gui/", views.assessment_submit, name="submit"),
    path("<int:pk>/mo-lai/", views.assessment_reopen, name="reopen"),
    path("<int:pk>/khoa/", views.assessment_lock, name="lock"),
    path("<int:pk>/dong-y-linh-vuc/", views.assessment_agree_field, name="agree_field"),
    path("<int:pk>/tai-lieu/", views.document_upload, name="document_upload"),
    path("<int:pk>/tai-ve/<str:what>.<str:fmt>", views.assessment_export, name="export"),
    path("tai-lieu/<int:pk>/", views.document_file, name="document_file"),
    path("tra-loi/<int:pk>/", views.answer_save, name="answer_save"),
    path("tra-loi/<int:pk>/dinh-kem/", views.answer_cite, name="answer_cite"),
    path(
        "tra-loi/<int:pk>/bo-dinh-kem/<int:citation_pk>/", views.answer_uncite, name="answer_uncite"
    ),
    path("tra-loi/<int:pk>/tham-dinh/", views.answer_appraise, name="answer_appraise"),
    path("tra-loi/<int:pk>/giai-trinh/", views.answer_explain, name="answer_explain"),
]
