"""ipywidgets front-ends, one module per domain (``paylab.widgets.<domain>``).

Each widget wraps a pure function from the domain module and shows its default
state when first displayed, so the static book site shows a meaningful view.
"""
