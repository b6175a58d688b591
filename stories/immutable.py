"""Files whose names change whenever their content does are cached for a year.

Static files carry a hash of their content in their name (collectstatic), pictures a
random name (``stories.images``): a changed file is a new address, so browsers and CDNs
may keep each one without ever asking again.
"""

CACHE_CONTROL = "public, max-age=31536000, immutable"


def immutable_for_a_year(headers, path, url):
    """``WHITENOISE_ADD_HEADERS_FUNCTION``: the same header for hashed static files.

    WhiteNoise promises ten years; one year is the customary ceiling (HTTP/1.1 asked
    servers never to promise more), and the same header as the pictures'.
    """
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = CACHE_CONTROL
