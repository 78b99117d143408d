# sphinx-kb: `make html` builds the knowledge base in source/, `make test` runs the tests.
# The first run creates .venv and installs the requirements into it.

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
SOURCEDIR   := source
BUILDDIR    := _build
SPHINXOPTS  ?=
# `make html KB_DRAFTS=1` previews drafts (with a banner, marked noindex).
export KB_DRAFTS

.DEFAULT_GOAL := html
.PHONY: help html dirhtml linkcheck serve serve-html docs check test lint format clean bench restore-mtimes messages

help:
	@echo "make html      build the knowledge base into $(BUILDDIR)/html (KB_DRAFTS=1 to preview drafts)"
	@echo "make dirhtml   the same with /blog/<slug>/ URLs"
	@echo "make linkcheck check every link of the pages (needs the network) into $(BUILDDIR)/linkcheck"
	@echo "make serve     live preview at http://127.0.0.1:$(PORT)/: drafts shown, rebuilt on every save"
	@echo "make serve-html build, then serve _build/html (the deployable site) at http://127.0.0.1:$(PORT)/"
	@echo "make docs      build the user guide (docs/) into $(BUILDDIR)/docs"
	@echo "make check     check every post's front matter without building"
	@echo "make test      run the test suite"
	@echo "make lint      ruff lint and format check, and the package's layer contract (lint-imports)"
	@echo "make clean     remove $(BUILDDIR)"
	@echo "make restore-mtimes  before make html with a $(BUILDDIR) restored from a CI cache (docs/deployment.md)"
	@echo "make messages  update sphinx-kb's message catalogs (sphinx_kb/locale) after changing its words"
	@echo "make bench     benchmark sphinx-kb against plain Sphinx + MyST (N=1000 posts, BENCHOPTS=...)"

$(BIN)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

# Pagefind indexes the site after Sphinx's process has ended: its index (~0.35 MB a page) then
# does not need memory beside the build's (docs/performance.md).
html dirhtml: $(BIN)/.installed
	KB_SEARCH_AFTER_BUILD=1 $(BIN)/sphinx-build -M $@ $(SOURCEDIR) $(BUILDDIR) -c . $(SPHINXOPTS)
	$(BIN)/python -m sphinx_kb.search $(BUILDDIR)/doctrees

# Checks the links on the network. Its own doctrees: sphinx-kb's record of what each page shows
# would otherwise be updated by this run, and the next `make html` would skip pages to rewrite.
linkcheck: $(BIN)/.installed
	$(BIN)/sphinx-build -M $@ $(SOURCEDIR) $(BUILDDIR) -c . -d $(BUILDDIR)/doctrees-linkcheck $(SPHINXOPTS)

# The live preview (drafts shown, rebuilt on save; search works: it needs HTTP, not file://),
# and the deployable site in _build/html served as a static host serves it.
PORT ?= 8000
serve: $(BIN)/.installed
	$(BIN)/kb serve --port $(PORT)

serve-html: html
	$(BIN)/kb serve --built $(BUILDDIR)/html --port $(PORT)

docs: $(BIN)/.installed
	$(BIN)/sphinx-build -W --keep-going -b html docs $(BUILDDIR)/docs $(SPHINXOPTS)

check: $(BIN)/.installed
	$(BIN)/kb check --build-dir $(BUILDDIR)

test: $(BIN)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff, then the package's layer contract (pyproject.toml [tool.importlinter], docs/architecture.md).
lint: $(BIN)/.installed-test
	$(BIN)/ruff check sphinx_kb tests conf.py
	$(BIN)/ruff format --check sphinx_kb tests conf.py
	$(BIN)/lint-imports --no-cache

format: $(BIN)/.installed-test
	$(BIN)/ruff format sphinx_kb tests conf.py
	$(BIN)/ruff check --fix sphinx_kb tests conf.py

clean:
	rm -rf $(BUILDDIR)

# sphinx-kb's own words (content/wording.py): extract them into the template, then merge it into
# every language's catalog; translators fill in the new entries (docs/configuration.md).
LOCALE := sphinx_kb/locale
MESSAGE_KEYWORDS := --no-default-keywords -k text -k count:1,2 -k kb_ -k N_ -k say -k sayCount:1,2 -k sayWith
messages: $(BIN)/.installed
	$(BIN)/pybabel extract -F $(LOCALE)/babel.cfg $(MESSAGE_KEYWORDS) --omit-header --sort-by-file \
		--project sphinx-kb -o $(LOCALE)/sphinx-kb.pot .
	$(BIN)/pybabel update -i $(LOCALE)/sphinx-kb.pot -d $(LOCALE) -D sphinx-kb --no-fuzzy-matching

# `make bench N=10000 BENCHOPTS="--jobs 2"`: see benchmarks/README.md.
N ?= 1000
BENCHOPTS ?=
bench: $(BIN)/.installed
	$(BIN)/python benchmarks/run.py --posts $(N) $(BENCHOPTS)

# Before `make html` with a build folder restored from a cache (a hosted builder's fresh checkout):
# unchanged sources and templates get back the times the cached build saw (docs/deployment.md).
restore-mtimes: $(BIN)/.installed
	$(BIN)/kb restore-mtimes --build-dir $(BUILDDIR)
