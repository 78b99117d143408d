project = "Taxonomy KB"
html_baseurl = "https://kb.test/"
extensions = ["sphinx_kb"]
html_theme = "furo"
kb_description = "Three levels of categories."
kb_latest_posts = 3
