"""What tests share: builders of test data, accounts, pictures, the demo coverage, browser steps.

Test modules import from here and never from one another or from a conftest.
"""
