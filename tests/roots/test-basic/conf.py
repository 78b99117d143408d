project = "Test KB"
html_baseurl = "https://kb.test/"
extensions = ["sphinx_kb"]
html_theme = "furo"
kb_description = "A knowledge base for tests."
kb_default_image = "/default.png"
