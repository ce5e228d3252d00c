"""Library code behind the Streamlit console: views, exports and sign-in helpers.

Nothing here imports Streamlit; the pages in ``pages/`` call these functions,
and so can the CLI and the tests.
"""
