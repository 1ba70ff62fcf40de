"""Staff console (/staff, not in the public menu): freshness and ingest health, alerts,
integrity flags, the quarantine, drill-down. Nothing on it exists before sign-in."""

import datetime as dt

import streamlit as st

from givingday import integrity, staff
from givingday.event import load_event
from givingday.ui import chrome, console, data, director_room, document, router, url
from givingday.ui.i18n import both

router.through_router()


def signed_in() -> dict | None:
    user = st.session_state.get("staff_user")
    if user and dt.datetime.now(dt.UTC) - user["since"] > dt.timedelta(minutes=staff.settings()["session_minutes"]):
        staff.audit("session_expired", user["name"])
        st.session_state.pop("staff_user")
        return None
    return user


def oidc_user() -> dict | None:
    """A user signed in through the OpenID Connect provider (st.login) and on the allow-list."""
    if not staff.oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email = st.user.get("email")
    role = staff.oidc_allowed(email)
    if role is None:
        staff.audit("sign_in_refused_not_allowed", email)
        st.session_state["oidc_refused"] = email
        st.logout()
        return None
    staff.audit("sign_in_oidc", email, {"role": role})
    return {"name": email, "role": role, "since": dt.datetime.now(dt.UTC)}


def sign_in_form() -> None:
    st.title(both("staff.staff_sign_in"), anchor=False)
    if staff.oidc_configured():
        if st.button(both("staff.sign_in_with_the"), type="primary"):
            st.login()
        if st.session_state.get("oidc_refused"):
            st.error(both("staff.not_allowed"))
    with st.form("sign-in"):
        name = st.text_input(both("staff.name"))
        password = st.text_input(both("staff.password"), type="password")
        submitted = st.form_submit_button(both("staff.sign_in"))
    if submitted:
        result = staff.sign_in(name.strip(), password)
        if result.ok:
            st.session_state["staff_user"] = {"name": result.user, "role": result.role,
                                              "since": dt.datetime.now(dt.UTC)}
            st.rerun()
        st.error(both("staff.locked" if result.message.startswith("locked") else "staff.wrong_password"))


user = signed_in()
if user is None and (user := oidc_user()) is not None:
    st.session_state["staff_user"] = user
# the console's labels are zh and en; before sign-in nothing, the title included, says more than "sign-in"
document.declare(both("staff.staff_console" if user else "staff.staff_sign_in"), load_event(), "zh")
st.html(chrome.CSS)  # the focus ring, signed in or not
if user is None:
    sign_in_form()
    st.stop()

st.title(both("staff.staff_console"), anchor=False)
left, right = st.columns([4, 1])
left.caption(f"{user['name']} · {user['role']}")
if right.button(both("staff.sign_out")):
    staff.audit("sign_out", user["name"])
    st.session_state.pop("staff_user")
    if getattr(st.user, "is_logged_in", False):
        st.logout()
    st.rerun()
version = data.published_version()
if version is None:
    st.info(both("staff.no_data_yet"))
    chrome.watch_version(None)
    st.stop()
event = load_event()
here = console.Console(user, version, event, dt.datetime.now(event.tz))

found_alerts = console.current_alerts(here)
for stale in (a for a in found_alerts if a["rule"] == "data_stale"):
    lag = stale["figures"]["minutes_since_publication"]
    st.warning(both("staff.stale", minutes=f"{lag:.0f}"))
flags_version, scanned = console.flag_scanner().latest(version)
found_flags = integrity.with_reviews(scanned, staff.reviews())
open_alerts = sum(a["severity"] != "info" and a["state"] == "open" for a in found_alerts)
open_flags = sum(f["review"] is None for f in found_flags)
scan = ("integrity scan running" if flags_version is None else f"{open_flags} flags to review"
        + ("" if flags_version == version else f" (of version {flags_version}; scanning {version})"))
st.caption(f"version {version} · {open_alerts} alerts to acknowledge · {scan}")

codes = {label: code for code, label in console.TABS.items()}
url.restore(console.TAB_KEY, set(console.TABS.values()), cast=console.TABS.get, param="tab")
tabs = st.tabs(list(console.TABS.values()), key=console.TAB_KEY, on_change="rerun")
rooms = {"fresh": lambda: console.freshness(here),
         "alerts": lambda: console.alerts(here, found_alerts),
         "flags": lambda: console.flags(here, found_flags, flags_version),
         "quarantine": lambda: console.quarantine(here),
         "drill": lambda: console.drill_down(here, found_flags),
         "director": lambda: director_room.room(user["name"]),
         "audit": lambda: console.audit_log(here)}
for code, tab in zip(console.TABS, tabs, strict=True):
    if tab.open:
        with tab:
            rooms[code]()
url.keep("tab", codes.get(st.session_state.get(console.TAB_KEY)), default="fresh")
chrome.watch_version(version)
if flags_version != version:
    console.await_flags(flags_version)
