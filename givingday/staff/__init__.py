"""Staff: accounts and sign-in, the audit log, the secrets file, the state folder and what staff
mark, one module each; this package names what the rest of the code uses.

Accounts live in `.streamlit/secrets.toml` (or $GIVINGDAY_SECRETS) under `[staff.users.NAME]`;
state (failure counts, acknowledgements, reviews, the director's orders, the audit log) lives
in $GIVINGDAY_STAFF_STATE (default data/staff). No outside service is needed.
"""

from givingday.staff.accounts import ROLES, SignIn, add_user, locked_until, remove_user, sign_in
from givingday.staff.audit import audit, audit_log
from givingday.staff.marks import acknowledge, acknowledgements, review, reviews
from givingday.staff.secrets_file import (
    oidc_allowed,
    oidc_configured,
    secrets_path,
    settings,
    staff_config,
    users,
)
from givingday.staff.state import StateFile, state_dir

__all__ = ["ROLES", "SignIn", "StateFile", "acknowledge", "acknowledgements", "add_user", "audit", "audit_log",
           "locked_until", "oidc_allowed", "oidc_configured", "remove_user", "review", "reviews", "secrets_path",
           "settings", "sign_in", "staff_config", "state_dir", "users"]
