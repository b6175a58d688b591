"""Signed webhooks: partners are told when a story is published, updated, corrected or removed.

Editors register endpoints in the admin (``Endpoint``). The change record of each committed
transaction (``stories.changes``) is turned into events (``events.story_events``), one
``Delivery`` per endpoint and event, each sent by a task (``delivery.deliver``) with the
story's API representation, signed with the endpoint's secret (``signing``), retried with
back-off, logged, and the endpoint disabled after too many failures in a row.
"""
