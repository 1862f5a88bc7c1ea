"""What one HTTP exchange returned, and the refusal that ends one early."""

from __future__ import annotations

from dataclasses import dataclass, field


class Refused(Exception):
    """A request or response refused before it completed; ``code`` is the result's error."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class Hop:
    """What one HTTP exchange returned."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    detail: str | None = None
    reason: str = ""

    def refuse(self, code: str, detail: str) -> Hop:
        self.error, self.detail = code, detail
        return self
