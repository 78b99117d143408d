"""Search: the marks on each page that say what Pagefind indexes, running Pagefind over the
written site, and the order of "Newest first". The browser's side is static/kb-search.js."""
