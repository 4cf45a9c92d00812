"""What an import returns: the document, or the problems that kept it from being made."""

from dataclasses import dataclass, field

from app.textformat.document import ArticleDoc


@dataclass(frozen=True)
class Issue:
    """A problem or an inference, tied to a 1-based line of the input."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedArticle:
    """`document` is None exactly when `errors` is not empty."""

    document: ArticleDoc | None
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)


class IssueLog:
    """Collects errors and warnings while a parser walks its input."""

    def __init__(self) -> None:
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(Issue(line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Issue(line, message))

    def result(self, document: ArticleDoc | None) -> ParsedArticle:
        # Issues are found pass by pass; an editor reads them top to bottom.
        by_line = sorted(self.errors, key=lambda issue: issue.line)
        warnings = sorted(self.warnings, key=lambda issue: issue.line)
        return ParsedArticle(None if by_line else document, warnings, by_line)
