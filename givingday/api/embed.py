"""`/embed/projects/{project_id}`: a small card an organisation can put in an iframe.

Name, raised, % of target, donors (not shown under 3), matched money, the "as of" stamp and a
link to the project's page. Which sites may frame it is `[embed] frame_ancestors` in the
event's event.toml (a list of origins; the default "*" is any site).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from urllib.parse import quote

from givingday import queries
from givingday.api.answers import ApiError, public
from givingday.event import load_event
from givingday.ui import format as fmt
from givingday.ui.i18n import html_lang, lang_query, pick, t


def frame_ancestors() -> str:
    return " ".join(load_event().frame_ancestors)


def build(reader: queries.VersionReader, stem: str, params: Mapping[str, str]) -> dict:
    project_id = stem.split("/", 1)[1]
    language = params.get("lang", "zh")
    event = load_event()
    row_frame = public(reader.run("board_projects", {"project": project_id}))
    if row_frame.is_empty():
        raise ApiError(404, f"unknown project {project_id!r}")
    row = row_frame.row(0, named=True)
    as_of = reader.run("totals").row(0, named=True)["as_of"]
    donors = t("under_3", language) if row["donors"] is None else fmt.count(row["donors"], "unit.people", language)
    text = {
        "event": pick(event.name_zh, event.name_en, language), "name": row["name"], "org": row["org_name"] or "",
        "raised": fmt.yuan_exact(row["raised_fen"], language), "matched": fmt.yuan_exact(row["matched_fen"], language),
        "pct": f"{row['pct_of_target'] or 0:.1f}%", "donors": donors,
        "as_of": f"{t('as_of', language)} {fmt.local_time(as_of, event.tz, language)}",
    }
    return {"project": row_frame, "text": text}


CSS = """
*{box-sizing:border-box}body{margin:0;font:15px/1.45 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
color:#1a1a1a;background:#fff}.card{border:1px solid #d0d0d0;border-radius:8px;padding:12px 14px;max-width:420px}
h1{font-size:1.05rem;margin:0 0 2px}.org,.asof{color:#595959;font-size:.85rem;margin:0}
.raised{font-size:1.7rem;font-weight:800;margin:6px 0 2px;font-variant-numeric:tabular-nums}
.bar{height:8px;background:#e5e5e5;border-radius:4px}.bar i{display:block;height:100%;background:#9c4400;border-radius:4px}
dl{display:flex;gap:16px;margin:8px 0}dt{color:#595959;font-size:.8rem}dd{margin:0;font-weight:700}
a{color:#0b5cad}a:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
"""


def card(document: dict, language: str) -> str:
    x = document["text"]
    project_id = document["project"][0]["project_id"]
    # relative to the card's own address (never the request's Host header, which a cache may share)
    link = f"../../projects?project={quote(project_id)}" + lang_query(language).replace("?", "&amp;")
    width = min(100.0, float(x["pct"].rstrip("%")))
    figures = "".join(f"<div><dt>{escape(label)}</dt><dd>{escape(x[key])}</dd></div>" for label, key in (
        (t("embed.of_target", language), "pct"), (t("donors", language), "donors"), (t("matched", language), "matched")))
    return (f'<!doctype html><html lang="{html_lang(language)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{escape(x["name"])} · {escape(x["event"])}</title><style>{CSS}</style></head><body>'
            f'<article class="card" data-version="{document["version"]}"><h1>{escape(x["name"])}</h1>'
            f'<p class="org">{escape(x["org"])}</p>'
            f'<div class="raised">{escape(x["raised"])}</div>'
            f'<div class="bar" role="img" aria-label="{escape(x["pct"])} {t("embed.of_target", language)}">'
            f'<i style="width:{width:.1f}%"></i></div><dl>{figures}</dl>'
            f'<p class="asof">{escape(x["as_of"])} · <a href="{link}" target="_blank" rel="noopener">'
            f'{t("embed.more", language)} →</a></p></article></body></html>')
