import os

from django.core.wsgi import get_wsgi_application

from newsroom.database import limit_statement_time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

limit_statement_time()
