"""The app's pages: what app.py's navigation serves (`router.pages`) and what the web process
answers with the page shell at once (`api/static_bundle.py`). Plain data, no Streamlit."""

# (script, title's catalogue key, url path, shown in the menu): the app's pages in menu order
SITE = (
    ("pages/overview.py", "nav.overview", "overview", True),
    ("pages/boards.py", "nav.boards", "boards", True),
    ("pages/categories.py", "nav.categories", "categories", True),
    ("pages/districts.py", "nav.districts", "districts", True),
    ("pages/funds.py", "nav.funds", "funds", True),
    ("pages/projects.py", "nav.projects", "projects", True),
    ("pages/open_data.py", "nav.data", "data", True),
    ("pages/bigscreen.py", "nav.bigscreen", "bigscreen", False),
    ("pages/staff.py", "nav.staff", "staff", False),
)
URL_PATHS = frozenset({"/"} | {"/" + path for _, _, path, _ in SITE})  # "/" is the default page
