"""Outputs: what the site tells other programs and what is written beside the pages: Open Graph and
Twitter tags, JSON-LD, social cards, the sitemap and robots.txt, feeds, redirect pages and the
public folder."""
