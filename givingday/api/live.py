"""`/live`: the headline for a crowd of phones, as plain HTML with no websocket and no bundle.

The page is drawn on the server with the figures of the published version (it reads fine
with scripts off), then a few lines of ES5 fetch `/api/v1/live.json?lang=..` every 5 s with
`If-None-Match`, and redraw only when a new version answers 200. The JSON carries the figures
in fen and, for the page, the same figures already formatted by the dashboard's formatter.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import polars as pl

from givingday import queries
from givingday.api.answers import ApiError, public
from givingday.event import load_event
from givingday.ui import format as fmt
from givingday.ui.i18n import html_lang, lang_query, languages, pick, t

TOP = 10
REFRESH_S = 5


def build(reader: queries.VersionReader, stem: str, params: Mapping[str, str]) -> dict:
    """totals, the top 10 projects and the match money left per pool, with display texts."""
    unknown = sorted(set(params) - {"lang"})
    if unknown:
        raise ApiError(400, f"unknown parameter {unknown[0]!r} (this route takes: lang)", unknown[0])
    language = params.get("lang", "zh")
    if language not in languages():
        raise ApiError(400, f"parameter lang: {language!r} is not one of {', '.join(languages())}", "lang")
    event = load_event()
    totals = reader.run("totals")
    row = totals.row(0, named=True)
    top = public(reader.run("board_projects")).head(TOP).select(
        "rank", "project_id", "name", "org_name", "raised_fen", "pct_of_target")
    left = reader.run("pool_projection").select("pool_id", "left_fen", "share_fen")
    pools = reader.run("pools").select("pool_id", "name", "name_en", "budget_fen").join(left, on="pool_id", how="left")
    pools = pools.with_columns(left_fen=pl.coalesce("left_fen", "budget_fen").clip(lower_bound=0),
                               whole_fen=pl.coalesce("share_fen", "budget_fen")).drop("share_fen")
    texts = {
        "title": pick(event.name_zh, event.name_en, language),
        "as_of": f"{t('as_of', language)} {fmt.local_time(row['as_of'], event.tz, language)}",
        "raised": fmt.yuan(row["raised_fen"], language), "public": fmt.yuan(row["public_fen"], language),
        "matched": fmt.yuan(row["matched_fen"], language),
        "donations": fmt.count(row["donations"], "unit.gifts", language),
        "donors": fmt.count(row["donors"], "unit.people", language),
        "top": [[r["rank"], r["name"], fmt.yuan(r["raised_fen"], language)] for r in top.iter_rows(named=True)],
        "pools": [[pick(r["name"], r["name_en"], language), fmt.yuan(r["left_fen"], language),
                   round(100 * r["left_fen"] / r["whole_fen"]) if r["whole_fen"] else 0]
                  for r in pools.iter_rows(named=True)],
    }
    return {"totals": totals, "top": top, "pools": pools, "text": texts}


CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.5 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
color:#1a1a1a;background:#fff}main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.25rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.asof{color:#595959;margin:0 0 1rem;font-size:.9rem}.label{color:#595959}
.big{font-size:2.6rem;font-weight:800;line-height:1.1;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:1fr 1fr;gap:.5rem 1rem;margin:1rem 0 0}dl div{min-width:0}
dt{color:#595959;font-size:.9rem}dd{margin:0;font-size:1.2rem;font-weight:700;font-variant-numeric:tabular-nums}
ol,ul{list-style:none;margin:0;padding:0}li{display:flex;gap:.5rem;padding:.4rem 0;border-bottom:1px solid #e5e5e5}
li .n{color:#595959;min-width:1.6rem}li .t{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
li .m{font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{height:.5rem;background:#e5e5e5;border-radius:.25rem;margin-top:.25rem}.bar i{display:block;height:100%;
background:#9c4400;border-radius:.25rem}li.pool{flex-wrap:wrap}.pool .bar{flex-basis:100%}a{color:#0b5cad}footer{margin:2rem 0 1rem;color:#595959;
font-size:.9rem}a:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
"""

SCRIPT = """
(function () {
  var root = document.getElementById("live"), etag = root.getAttribute("data-etag");
  var url = "api/v1/live.json?lang=" + root.getAttribute("data-lang");
  function set(id, text) { var e = document.getElementById(id); if (e && e.textContent !== text) e.textContent = text; }
  function row(cells) {
    var li = document.createElement("li");
    cells.forEach(function (c) { var s = document.createElement("span"); s.className = c[0]; s.textContent = c[1]; li.appendChild(s); });
    return li;
  }
  function fill(id, items, make) {
    var list = document.getElementById(id); list.textContent = "";
    items.forEach(function (item) { list.appendChild(make(item)); });
  }
  function draw(d) {
    var x = d.text;
    ["as_of", "raised", "public", "matched", "donations", "donors"].forEach(function (k) { set(k, x[k]); });
    fill("top", x.top, function (r) { return row([["n", String(r[0])], ["t", r[1]], ["m", r[2]]]); });
    fill("pools", x.pools, function (p) {
      var li = row([["t", p[0]], ["m", p[1]]]), bar = document.createElement("div"), fill = document.createElement("i");
      li.className = "pool"; bar.className = "bar"; fill.style.width = p[2] + "%"; bar.appendChild(fill); li.appendChild(bar);
      return li;
    });
    root.setAttribute("data-version", d.version);
  }
  function poll() {
    var r = new XMLHttpRequest();
    r.open("GET", url);
    if (etag) r.setRequestHeader("If-None-Match", etag);
    r.onload = function () {
      if (r.status === 200) { etag = r.getResponseHeader("ETag"); try { draw(JSON.parse(r.responseText)); } catch (e) {} }
    };
    r.send();
  }
  setInterval(poll, REFRESH_MS);
})();
""".replace("REFRESH_MS", str(REFRESH_S * 1000))


def _items(rows: list, pools: bool) -> str:
    if pools:
        return "".join(f'<li class="pool"><span class="t">{escape(name)}</span><span class="m">{escape(left)}</span>'
                       f'<div class="bar"><i style="width:{share}%"></i></div></li>' for name, left, share in rows)
    return "".join(f'<li><span class="n">{rank}</span><span class="t">{escape(name)}</span>'
                   f'<span class="m">{escape(raised)}</span></li>' for rank, name, raised in rows)


def page(document: dict, language: str) -> str:
    """The whole page for one version and language (a few KB)."""
    x = document["text"]
    figures = "".join(f'<div><dt>{t(key, language)}</dt><dd id="{key}">{escape(x[key])}</dd></div>'
                      for key in ("public", "matched", "donations", "donors"))
    return (f'<!doctype html><html lang="{html_lang(language)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{escape(t("live.title", language))} · {escape(x["title"])}</title><style>{CSS}</style></head>'
            f'<body><main id="live" data-lang="{language}" data-etag="{escape(document["etag"])}" '
            f'data-version="{document["version"]}">'
            f'<h1>{escape(x["title"])}</h1><p class="asof" id="as_of" aria-live="polite">{escape(x["as_of"])}</p>'
            f'<section><div class="label">{t("raised", language)}</div><div class="big" id="raised">{escape(x["raised"])}'
            f'</div><dl>{figures}</dl></section>'
            f'<h2>{t("live.top", language)}</h2><ol id="top">{_items(x["top"], False)}</ol>'
            f'<h2>{t("live.pools", language)}</h2><ul id="pools">{_items(x["pools"], True)}</ul>'
            f'<footer><a href="./{lang_query(language)}">{t("live.dashboard", language)} →</a> · '
            f'<a href="./api/v1/">{t("live.open_data", language)}</a> · {t("live.refresh", language)}</footer>'
            f'</main><script>{SCRIPT}</script></body></html>')
