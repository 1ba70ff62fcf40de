"""Open data over plain HTTP, beside the dashboard in the same server (st.App routes).

- `answers.py`: what each route answers, from the named queries, cached per version;
- `http.py`: the Starlette side: caching headers, CORS, errors;
- `describe.py`: the description of every route, from the named queries' headers;
- `live.py`: `/live`, the page for crowds, and its small JSON;
- `embed.py`: `/embed/projects/{id}`, a card for organisations' own sites.
"""
