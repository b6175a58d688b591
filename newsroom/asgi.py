import os

from django.core.asgi import get_asgi_application

from newsroom.database import limit_statement_time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_asgi_application()

limit_statement_time()
