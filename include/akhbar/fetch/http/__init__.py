"""One hardened HTTP client for feeds, pages and robots.txt.

Why not a plain ``httpx.get``: a daily run meets servers that trickle bytes,
redirect forever, point at cloud metadata addresses, send gzip bombs or PDFs.
:meth:`Fetcher.get` never raises for any of that; it returns a
:class:`FetchResult` with a machine-readable ``error``.

Design (urllib3 2.8 low-level connections, one connection per hop), a module a step:

* ``addresses``: every hop's host is resolved once and every address must be
  public; the connection goes to that checked address (no DNS rebinding).
* ``exchange``: one request on one connection, with a wall-clock deadline
  (watchdog) besides the idle socket timeout.
* ``body``: content-type checks and our own capped decompression (bombs stop
  at the byte cap).
* ``fetcher``: the :class:`Fetcher` (per-host politeness, redirects, retries,
  robots.txt, replay mode, WARC archive).
"""

from akhbar.fetch.http.body import Kind, content_type_allowed
from akhbar.fetch.http.fetcher import Fetcher, FetchResult

__all__ = ["FetchResult", "Fetcher", "Kind", "content_type_allowed"]
