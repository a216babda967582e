"""Payment pages and gateway callbacks, under /thanh-toan/."""

app_name = "payments"

urlpatterns: list = []
