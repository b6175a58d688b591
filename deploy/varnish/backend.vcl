# The Django application Varnish fetches from, included by newsroom.vcl from varnishd's
# vcl_path: each deployment (and the test suite) supplies its own.
#
# The probe lets Varnish tell that the application is down and serve stale pages for as long
# as their stale-if-error allows; its Host header must be one of ALLOWED_HOSTS.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = {
        .request =
            "GET /robots.txt HTTP/1.1"
            "Host: localhost"
            "Connection: close";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
    }
}
