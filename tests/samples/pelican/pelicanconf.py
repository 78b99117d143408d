AUTHOR = "NorthStar IT"
SITENAME = "NorthStar Field Notes"
SITEURL = "https://field.northstar.example"

PATH = "content"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "en"

ARTICLE_URL = "posts/{date:%Y}/{slug}.html"
ARTICLE_SAVE_AS = "posts/{date:%Y}/{slug}.html"
STATIC_PATHS = ["images"]

# Feed generation is usually not desired when developing
FEED_ALL_ATOM = None
DEFAULT_PAGINATION = 10
