from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("pengaduan/", views.complaint_list, name="complaints"),
    path("pengaduan/baru/", views.complaint_new, name="complaint_new"),
    path("pengaduan/faq/", views.faq, name="faq"),
    path("pengaduan/<uuid:public_id>/", views.complaint_detail, name="complaint_detail"),
    path(
        "pengaduan/<uuid:public_id>/buka-kembali/",
        views.complaint_reopen,
        name="complaint_reopen",
    ),
    path("survei/<uuid:public_id>/", views.survey, name="survey"),
    path("kantor/pengaduan/", views.officer_list, name="officer_list"),
    path("kantor/pengaduan/baru/", views.desk_new, name="desk_new"),
    path("kantor/pengaduan/<uuid:public_id>/", views.officer_detail, name="officer_detail"),
    path("kantor/pengaduan/<uuid:public_id>/jawab/", views.officer_answer, name="answer"),
    path("kantor/pengaduan/<uuid:public_id>/eskalasi/", views.officer_escalate, name="escalate"),
    path("kantor/pengaduan/<uuid:public_id>/faq/", views.officer_publish, name="publish"),
    path("kantor/ikm/", views.ikm_report, name="ikm_report"),
]
