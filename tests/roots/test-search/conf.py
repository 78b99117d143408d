project = "Search KB"
html_baseurl = "https://search.kb.test/"
extensions = ["sphinx_kb"]
html_theme = "furo"
kb_description = "A knowledge base for the search tests."
# Every post gets a drawn card otherwise: not what these tests are about.
kb_social_cards = False
