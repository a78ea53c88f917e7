"""The only way the PDF renderer may reach a resource: local files of the library.

WeasyPrint routes every stylesheet, image and font through one fetcher
(``weasyprint/urls.py``). Ours serves ``data:`` URLs and files inside the
library's template folders, and refuses everything else — the network,
``file:///etc/passwd``, a path that climbs out with ``..`` — recording each
refusal so the command can warn the user by name.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetcherResponse

_MIME = {
    ".css": "text/css", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml", ".gif": "image/gif", ".webp": "image/webp",
    ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
}


class LocalOnlyFetcher(URLFetcher):
    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = [Path(r).resolve() for r in roots]
        self.refused: list[str] = []

    def _inside(self, path: Path) -> bool:
        return any(path == r or r in path.parents for r in self.roots)

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if self._inside(path) and path.is_file():
                mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        self.refused.append(url)
        raise ValueError(f"refused by motions: {url} is outside the library (no network, no other files)")
