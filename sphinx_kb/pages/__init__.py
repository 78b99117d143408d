"""Pages: the generated sources (home, category, tag and archive pages), the listing directives,
the post header, navigation, breadcrumbs, related articles and the 404 page."""
