"""Helpers behind the media-literacy book: clean the articles, compare sources,
spot loaded language and check figures. Each skill is one module; notebooks call
them in a line or two."""

__version__ = "0.1.0"
