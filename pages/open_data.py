"""Open data and method: every table to download, what each figure means, how to
reproduce it, the corrections log, licence and sources."""

import streamlit as st

from givingday.queries import named_queries
from givingday.ui import blocks, chrome, tables
from givingday.ui import format as fmt
from givingday.ui.i18n import lang_query, pick, t

page = chrome.start("nav.data")
chrome.stamp(page)

TERMS = ("raised", "public", "matched", "donations", "donors", "left")  # catalogue: term.<t>, define.<t>


def _zones(event, language: str) -> str:
    """Functional zones counted for the district that hosts them, as a clause (or nothing)."""
    names = {d.adcode: (d.name_zh, d.name_en) for d in event.districts}
    clauses = [t("method.zone", language).format(zone=pick(z.name_zh, z.name_en, language),
                                                 host=pick(*names[z.host_adcode], language)) for z in event.zones]
    return "".join(clause + t("method.clause_end", language) for clause in clauses)


def _pool_words(event, language: str) -> dict[str, str]:
    """The event's pools in the definitions: who pays match money, which pools come in daily shares."""
    daily = [p for p in event.pools if p.daily_shares_fen]
    return {
        "pools": t("method.list_separator", language).join(pick(p.name_zh, p.name_en, language) for p in event.pools),
        "daily": "".join(t("define.daily_pool", language).format(
            pool=pick(p.name_zh, p.name_en, language), time=f"{p.daily_opens_at or event.matching_opens_at:%H:%M}")
            for p in daily),
    }


@chrome.section
def downloads(page: chrome.Page) -> None:
    st.header(page.t("open_data.download_the_data"), anchor=False)
    st.caption(page.t("open_data.each_table_is_the"))
    st.markdown(f"{page.t('data.api')} [/api/v1/](./api/v1/) · "
                f"{page.t('data.live')} [/live](./live{lang_query(page.lang)})")
    for name, query in named_queries().items():
        if query.params and any(p.default is None for p in query.params.values()):
            continue  # per-project queries are downloaded from each project's page
        with st.expander(page.t("open_data.table_label").format(name=name, summary=query.summary)):
            frame = page.query(name)
            tables.show(frame.head(200), height=260)
            tables.downloads(frame, name, page.lang, key=f"dl-{name}")
            tables.reproduce(f"python -m givingday query {name} --format csv", page.lang)


@chrome.section
def dictionary(page: chrome.Page) -> None:
    st.header(page.t("open_data.data_dictionary"), anchor=False)
    for name, query in named_queries().items():
        params = ", ".join(
            f"{p.name}" + (f"={p.default}" if p.default else "") + (f" ({'|'.join(p.choices)})" if p.choices else "")
            for p in query.params.values())
        st.markdown(f"**`{name}`** — {blocks.written_in(query.summary, 'en', page.lang)}" +
                    (f"  \n{page.t('open_data.params')}: `{params}`" if params else ""), unsafe_allow_html=True)
        st.caption(blocks.written_in(query.description.replace("\n", " "), "en", page.lang), unsafe_allow_html=True)


@chrome.section
def method(page: chrome.Page) -> None:
    st.header(page.t("open_data.definitions_and_method"), anchor=False)
    words = _pool_words(page.event, page.lang)
    for term in TERMS:
        st.markdown(page.t("open_data.text").format(v0=page.t(f"term.{term}"), v1=page.t(f"define.{term}").format(**words)))
    manifest = chrome.data.manifest(page.version)
    totals = page.query("totals").row(0, named=True)
    st.markdown("\n".join(page.t(f"method.{item}").format(
        version=page.version, as_of=fmt.local_time(totals["as_of"], page.event.tz, page.lang),
        zones=_zones(page.event, page.lang), region=pick(page.event.region_level_zh, page.event.region_level_en, page.lang))
        for item in ("updates", "checks", "reproduce", "districts", "privacy")))
    if manifest:
        st.caption(page.t("open_data.version_stamp").format(
            version=manifest.version, published=fmt.local_time(manifest.published_at, page.event.tz, page.lang),
            event=manifest.event_id))


@chrome.section
def corrections(page: chrome.Page) -> None:
    st.header(page.t("open_data.corrections_log"), anchor=False)
    log = page.query("corrections")
    if log.height == 0:
        st.caption(page.t("open_data.so_far_no_published"))
        return
    for row in log.iter_rows(named=True):
        st.markdown(
            page.t("open_data.version_the_total_fell").format(v0=row['version'], v1=fmt.local_time(row['recorded_at'], page.event.tz), v2=fmt.yuan_exact(row['previous_raised_fen']), v3=fmt.yuan_exact(row['raised_fen']), v4=row['reason'], v5=fmt.local_time(row['recorded_at'], page.event.tz, 'en'), v6=fmt.yuan_exact(row['previous_raised_fen'], 'en'), v7=fmt.yuan_exact(row['raised_fen'], 'en')))
    tables.downloads(log, "corrections", page.lang)


@chrome.section
def licence(page: chrome.Page) -> None:
    st.header(page.t("open_data.licence_and_sources"), anchor=False)
    event = page.event
    st.markdown(
        page.t("open_data.data_published_here_is").format(v0=event.licence, v1=event.platform_zh, v2=event.organiser_zh, v3=event.platform_en, v4=event.organiser_en))


downloads(page)
dictionary(page)
method(page)
corrections(page)
licence(page)
chrome.finish(page)
