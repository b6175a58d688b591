# The cache in front of the newsroom site.
#
# The application decides what may be shared: it labels public responses with
# "Cache-Control: public, max-age=0, s-maxage=N, stale-while-revalidate=N, stale-if-error=N"
# and their surrogate keys ("xkey: story-1 list-all"), and sends "private, no-store" for
# previews, share links, the admin and anything personal. After each change it purges by key:
# "PURGE /" with "xkey-purge: story-1 list-all" (caching/frontends.py).
#
# Copy this file and backend.vcl (the application's address) to /etc/varnish/, edit
# backend.vcl, then:
#
#   varnishd -a :6081 -f /etc/varnish/newsroom.vcl -s malloc,1g
#
# backend.vcl is looked for on varnishd's vcl_path (by default /etc/varnish first); the tests
# run this file unchanged with a backend.vcl of their own (-p vcl_path=<their directory>).
vcl 4.1;

import std;
import xkey;

include "backend.vcl";

# Who may purge: this machine. Add the application servers' addresses when they run elsewhere.
# A TLS proxy on this machine that forwards readers here must use the PROXY protocol
# (varnishd -a :6086,PROXY), or every reader would come from 127.0.0.1 and could purge.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    unset req.http.X-Cache;
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Purge by key only: send the keys in an xkey-purge header"));
        }
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.xkey-purged));
    }
    if (req.restarts > 0) {
        # Restarted by vcl_hit: the stale copy may no longer be served, fetch a fresh one.
        set req.grace = 0s;
    }
    if (req.method == "GET" || req.method == "HEAD") {
        # The admin, previews and share links are never cached, whatever they say; nor is an
        # address whose first part is percent-encoded (/%61dmin/), which Django decodes.
        if (req.url ~ "^/(admin|preview)(/|$)" || req.url ~ "^/[^/?]*%") {
            return (pass);
        }
        # A signed-in person gets pages made for them: neither served from nor stored in the
        # cache. Every other cookie (csrftoken, analytics) is dropped: public pages do not
        # depend on them.
        if (req.http.Cookie ~ "(^|;)\s*sessionid=") {
            return (pass);
        }
        unset req.http.Cookie;
        # Accept-Encoding needs no normalising here: with http_gzip_support (the default)
        # Varnish turns it into "gzip" or removes it, and keeps one copy for both.
    }
    # The built-in vcl_recv follows: other methods pass (with their cookies, for CSRF), and
    # so does a request with an Authorization header.
}

sub vcl_hit {
    # A stale copy is served (and refreshed in the background) while its
    # stale-while-revalidate lasts; beyond that only while the application is down, for as
    # long as its stale-if-error allows.
    if (obj.ttl < 0s
        && obj.ttl + std.duration(
            regsub(obj.http.Cache-Control, "^.*\bstale-while-revalidate=(\d+).*$", "\1s"), 0s
        ) < 0s
        && std.healthy(req.backend_hint)) {
        return (restart);
    }
    set req.http.X-Cache = "HIT";
}

sub vcl_miss {
    set req.http.X-Cache = "MISS";
}

sub vcl_pass {
    set req.http.X-Cache = "PASS";
}

sub vcl_backend_response {
    if (bereq.is_bgfetch && beresp.status >= 500) {
        # Keep the stale copy rather than replace it with an error.
        return (abandon);
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Only what the application explicitly allows is stored. The time to live is its
    # s-maxage (Varnish prefers it to max-age).
    if (!beresp.http.Cache-Control
        || beresp.http.Cache-Control ~ "(?i)\b(private|no-store|no-cache)\b"
        || beresp.http.Set-Cookie) {
        call vcl_beresp_hitmiss;
    }
    # Varnish takes the grace from stale-while-revalidate; keep the copy longer when
    # stale-if-error allows it, for vcl_hit to serve while the application is down.
    if (std.duration(
            regsub(beresp.http.Cache-Control, "^.*\bstale-if-error=(\d+).*$", "\1s"), 0s
        ) > beresp.grace) {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^.*\bstale-if-error=(\d+).*$", "\1s"), 0s
        );
    }
    # The built-in vcl_backend_response follows.
}

sub vcl_deliver {
    set resp.http.X-Cache = req.http.X-Cache;
    # The keys are for this cache alone: readers have no use for which records a page shows.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
