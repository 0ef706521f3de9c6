app_name = "procurement"
urlpatterns: list = []
