"""The read-only content API (``/api/v1/``): what readers may see, as JSON, for partners' apps.

Every answer starts from the public rule (``Story.objects.public()`` and the ``public()`` of
sections, tags, people and corrections) and shows sources as the story page does; a partner
key with embargo access also sees embargoed stories, marked with their embargo, and each such
read is logged. ``api.representation.story()`` gives a story's API representation to other
code (webhooks).
"""
