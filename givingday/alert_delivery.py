"""Alerts delivered to the staff's chat: each warning or critical alert POSTed once to the
webhook of `[staff] webhook_url` (企业微信 group-robot markdown, or the alert as JSON)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request

from givingday.event import Event


def wecom_message(alert: dict, event: Event) -> dict:
    """企业微信 group-robot markdown message."""
    subject = alert["pool_id"] or alert["project_id"] or ""
    figures = "\n".join(f"> {k}: {v}" for k, v in alert["figures"].items())
    return {"msgtype": "markdown", "markdown": {"content":
            f"**{event.name_zh}** 提醒：<font color=\"warning\">{alert['rule']}</font> {subject}\n"
            f"> 首次出现：{alert['first_seen']}\n{figures}"}}


def deliver(found: list[dict], event: Event, url: str, delivered: dict, wecom: bool) -> list[str]:
    """POST each warning or critical alert not in `delivered` to the webhook, once; record
    each one sent in `delivered` (alert key -> when) and return the keys sent now."""
    sent_now = []
    for alert in found:
        key = alert["key"]
        if alert["severity"] == "info" or key in delivered:
            continue
        body = wecom_message(alert, event) if wecom else {"alert": alert}
        request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False, default=str).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            if 200 <= response.status < 300:
                delivered[key] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                sent_now.append(key)
    return sent_now
