from django.urls import path

from channels import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="list"),
    path("<int:pk>/", views.conversation, name="conversation"),
    path("<int:pk>/jawab/", views.answer, name="answer"),
]
