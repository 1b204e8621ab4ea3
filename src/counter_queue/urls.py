from django.urls import path

from counter_queue import views

app_name = "counter_queue"
urlpatterns = [
    # residents
    path("antrian/", views.mine, name="mine"),
    path("antrian/pesan/", views.book, name="book"),
    path("antrian/pesanan/<str:code>/", views.booking_detail, name="booking"),
    path("antrian/pesanan/<str:code>/batal/", views.booking_cancel, name="cancel"),
    path("antrian/tiket/<str:code>/", views.ticket_page, name="ticket"),
    path("antrian/tiket/<str:code>/data.json", views.ticket_data, name="ticket_data"),
    # the display board (public)
    path("antrian/papan/", views.board, name="board"),
    path("antrian/papan/data.json", views.board_data, name="board_data"),
    # information desk
    path("kantor/antrian/", views.desk, name="desk"),
    path("kantor/antrian/ambil/", views.desk_walk_in, name="walk_in"),
    path("kantor/antrian/lapor/", views.desk_check_in, name="check_in"),
    path("kantor/antrian/tiket/<int:pk>/", views.slip, name="slip"),
    # counters
    path("kantor/antrian/loket/", views.counter_list, name="counters"),
    path("kantor/antrian/loket/<int:number>/", views.counter, name="counter"),
    path("kantor/antrian/loket/<int:number>/panggil/", views.counter_call_next, name="call_next"),
    path("kantor/antrian/loket/<int:number>/panggil/<int:pk>/", views.counter_call, name="call"),
    path("kantor/antrian/loket/<int:number>/ulang/<int:pk>/", views.counter_recall, name="recall"),
    path(
        "kantor/antrian/loket/<int:number>/selesai/<int:pk>/",
        views.counter_finish,
        {"served": True},
        name="served",
    ),
    path(
        "kantor/antrian/loket/<int:number>/tidak-hadir/<int:pk>/",
        views.counter_finish,
        {"served": False},
        name="no_show",
    ),
    path("kantor/antrian/statistik/", views.statistics, name="statistics"),
]
