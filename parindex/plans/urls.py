from django.urls import path

from parindex.plans import views, views_files, views_review

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("moi/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/ban-hanh/", views.plan_issue, name="plan_issue"),
    path("<int:pk>/chi-tieu/them/", views.target_create, name="target_create"),
    path("<int:pk>/chi-tieu/<int:target_pk>/bao-cao/", views.target_report, name="target_report"),
    path("<int:pk>/nhiem-vu/them/", views.task_create, name="task_create"),
    path("<int:pk>/nhiem-vu/<int:task_pk>/", views.task_edit, name="task_edit"),
    path("<int:pk>/nhiem-vu/<int:task_pk>/trang-thai/", views.task_status, name="task_status"),
    path("<int:pk>/bang/", views.task_board, name="board"),
    path("<int:pk>/lich/", views.task_calendar, name="calendar"),
    path("<int:pk>/cap-nhat-diem/", views.feed, name="feed"),
    path("khac-phuc/<int:cycle_pk>/<str:code>/", views.improvement_create, name="improve"),
    # The monthly review (views_review.py): ?thang=2026-03 for another month than this one.
    path("ra-soat/<int:cycle_pk>/<str:code>/", views_review.review_page, name="review"),
    path(
        "ra-soat/<int:cycle_pk>/<str:code>/<str:month>/",
        views_review.review_saved,
        name="review_saved",
    ),
    # Files (views_files.py): the appendices' Excel templates and imports, the Word document.
    path("<int:pk>/mau-nhiem-vu.xlsx", views_files.tasks_template, name="tasks_template"),
    path("<int:pk>/mau-chi-tieu.xlsx", views_files.targets_template, name="targets_template"),
    path("<int:pk>/nhap-nhiem-vu/", views_files.import_tasks, name="import_tasks"),
    path("<int:pk>/nhap-chi-tieu/", views_files.import_targets, name="import_targets"),
    path("<int:pk>/ke-hoach.docx", views_files.export_docx, name="export_docx"),
]
