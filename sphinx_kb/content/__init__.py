"""Content: the posts and everything known about them before any page exists.

Front matter, the Post model, categories, authors, tags, the archive's index, redirect
declarations, git dates and the catalog that holds them all. Plain Python: nothing here imports
Sphinx or docutils, so the `kb` command and the build read posts the same way.
"""
