"""The article text format: import, export, and its Markdown twin.

Pure functions over plain documents (see `document`); no database, no web framework.
"""

from app.textformat.document import ArticleDoc, CitationDoc, SectionDoc
from app.textformat.exporter import export
from app.textformat.markdown import parse_markdown, to_markdown
from app.textformat.parser import parse
from app.textformat.result import Issue, ParsedArticle

__all__ = [
    "ArticleDoc",
    "CitationDoc",
    "Issue",
    "ParsedArticle",
    "SectionDoc",
    "export",
    "parse",
    "parse_markdown",
    "to_markdown",
]
