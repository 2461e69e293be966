"""The test directory server lives in `yakuba.accounts.ldap_testserver` (the accounts
benchmark starts it too); the tests import it from here as before."""

from yakuba.accounts.ldap_testserver import *  # noqa: F403
from yakuba.accounts.ldap_testserver import _write_certificates  # noqa: F401
