"""The site as a build sees it: where the build keeps its catalog (the `kb` domain), the one
function that gives a page's URL, and what the configuration says of the whole site (its name,
its layout, its search engine). Every layer from pages up reads these."""
