"""gunicorn's access log without the address of whoever opens or sends a reader's form: the
forms promise that the newsroom keeps no address (``gunicorn.conf.py`` uses this logger)."""

from gunicorn.glogging import Logger

# The addresses of feedback.urls; a test checks that they still match.
FORM_PATHS = ("/tips/", "/report-an-error/")
ADDRESS_HEADERS = ("{x-forwarded-for}i", "{forwarded}i", "{x-real-ip}i")


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        if (environ.get("PATH_INFO") or "").startswith(FORM_PATHS):
            atoms["h"] = "-"
            for header in ADDRESS_HEADERS:
                if header in atoms:
                    atoms[header] = "-"
        return atoms
