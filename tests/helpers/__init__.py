"""What tests share: builders of test data, accounts, pictures, the demo coverage, browser steps,
sign-in, production mode, commits, a real Varnish and the small sites some tests serve.

Test modules import from here and never from one another or from a conftest.
"""
