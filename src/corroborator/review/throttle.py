"""Login throttling that slows guessing down without locking the real user out.

Failed logins are counted three ways, each with exponential backoff instead of a lock:
after ``free`` failures, the next attempt waits ``base * 2**k`` seconds (``k`` failures
past ``free``), at most ``cap``; a key is forgotten after ``window`` quiet seconds.

- per address and name: one address guessing one name;
- per address, across names: one address trying many names (password spraying);
- per name, across addresses: counts *distinct* failing addresses, so one address's
  failures never slow the name down for anyone else. When many addresses fail on one
  name (a distributed attack), only browsers that have not logged in as that name
  before wait: a successful login leaves a signed *device* token (a cookie) that lets
  its browser past the per-name wait (the device cookies of the OWASP guidance).

Everything is in memory, per process, behind one lock; the clock is injectable.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

#: Keys kept before the forgotten ones are swept out (a spray of names must not grow memory without bound).
_MAX_KEYS = 50_000
#: Seconds between two audit records of refused attempts of one address, name and scope.
REFUSALS_RECORDED_EVERY = 60.0


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    sources: set[str] = field(default_factory=set)


class LoginLimiter:
    """Failed attempts per key with exponential backoff (in memory, thread-safe).

    Args:
        attempts: Failures allowed before any wait.
        window: Quiet seconds (after the current wait) after which a key's failures are forgotten.
        base: The first wait, in seconds.
        cap: The longest wait, in seconds.
        clock: Seconds, monotonic (injectable for tests).
        distinct: Count distinct sources of failure (``failed(key, source)``) instead of failures.
    """

    def __init__(self, attempts: int = 5, window: float = 300.0, *, base: float = 5.0, cap: float = 900.0,
                 clock: Callable[[], float] = time.monotonic, distinct: bool = False):
        self.attempts = attempts
        self.window = window
        self.base = base
        self.cap = cap
        self.clock = clock
        self.distinct = distinct
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` failures (0 while fewer than ``attempts``)."""
        if failures < self.attempts:
            return 0.0
        return float(min(self.cap, self.base * 2 ** min(failures - self.attempts, 40)))

    def _count(self, f: _Failures) -> int:
        return len(f.sources) if self.distinct else f.count

    def _current(self, key: str, now: float) -> _Failures | None:
        """The live failures of ``key`` (forgotten ones dropped)."""
        f = self._failures.get(key)
        if f is not None and now - f.last > self.window + self.delay(self._count(f)):
            del self._failures[key]
            return None
        return f

    def wait(self, key: str) -> float:
        """Seconds until another attempt for ``key`` may be made (0: now)."""
        with self._lock:
            now = self.clock()
            f = self._current(key, now)
            if f is None:
                return 0.0
            return max(0.0, f.last + self.delay(self._count(f)) - now)

    def allowed(self, key: str) -> bool:
        """Whether another attempt may be made now."""
        return self.wait(key) <= 0

    def failed(self, key: str, source: str | None = None) -> None:
        """Count one failed attempt (from ``source``, for a limiter of distinct sources)."""
        with self._lock:
            now = self.clock()
            f = self._current(key, now)
            if f is None:
                if len(self._failures) >= _MAX_KEYS:
                    self._sweep(now)
                f = self._failures[key] = _Failures()
            f.count += 1
            f.last = now
            if self.distinct:
                f.sources.add(source or "")

    def failures(self, key: str) -> int:
        """The failures (or distinct sources) counted for ``key`` now."""
        with self._lock:
            f = self._current(key, self.clock())
            return self._count(f) if f else 0

    def reset(self, key: str) -> None:
        """Forget the failures of ``key``."""
        with self._lock:
            self._failures.pop(key, None)

    def _sweep(self, now: float) -> None:
        """Drop forgotten keys; if still full, the oldest half."""
        for key in list(self._failures):
            self._current(key, now)
        if len(self._failures) >= _MAX_KEYS:
            oldest = sorted(self._failures, key=lambda k: self._failures[k].last)[:_MAX_KEYS // 2]
            for key in oldest:
                del self._failures[key]


@dataclass(frozen=True)
class Limit:
    """A refused attempt: how long to wait, and which count refused it."""

    seconds: float
    scope: str  # "address+name", "address" or "name"


@dataclass(frozen=True)
class ThrottleSettings:
    """How many failures each count allows before backoff starts, and the backoff itself.

    Attributes:
        per_name_address: Failures of one name from one address before its attempts wait.
        per_address: Failures from one address, across names, before its attempts wait.
        name_addresses: Distinct addresses failing on one name before untrusted browsers wait.
        window: Quiet seconds after which failures are forgotten.
        base: First wait in seconds; it doubles with each further failure.
        cap: Longest wait in seconds.
        device_days: How long a browser that logged in stays trusted for its name.
    """

    per_name_address: int = 5
    per_address: int = 10
    name_addresses: int = 5
    window: float = 900.0
    base: float = 5.0
    cap: float = 900.0
    device_days: float = 30.0


class LoginThrottle:
    """Decides whether a login attempt may be checked now, and counts its outcome.

    Args:
        settings: The limits.
        clock: Wall-clock seconds (injectable for tests).
        secret: The key device tokens are signed with (random per process by default,
            so a restart asks every browser to log in once before it is trusted again).
    """

    def __init__(self, settings: ThrottleSettings | None = None, *, clock: Callable[[], float] = time.time,
                 secret: bytes | None = None):
        s = self.settings = settings or ThrottleSettings()
        self.clock = clock
        self._secret = secret or secrets.token_bytes(32)
        options = {"window": s.window, "base": s.base, "cap": s.cap, "clock": self._now}
        self.pairs = LoginLimiter(s.per_name_address, **options)  # type: ignore[arg-type]
        self.addresses = LoginLimiter(s.per_address, **options)  # type: ignore[arg-type]
        self.names = LoginLimiter(s.name_addresses, distinct=True, **options)  # type: ignore[arg-type]
        self._recorded: dict[tuple[str, str, str], float] = {}
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self.clock()

    def check(self, address: str, name: str, device: str | None = None) -> Limit | None:
        """The limit that refuses an attempt now, or None when it may be checked.

        Args:
            address: The client's address.
            name: The name tried (compared case-folded).
            device: The browser's device token, if it sent one.
        """
        name = name.casefold()
        waits = [Limit(self.pairs.wait(f"{address}|{name}"), "address+name"),
                 Limit(self.addresses.wait(address), "address")]
        if not self.trusted(name, device):
            waits.append(Limit(self.names.wait(name), "name"))
        worst = max(waits, key=lambda w: w.seconds)
        return worst if worst.seconds > 0 else None

    def worth_recording(self, address: str, name: str, limit: Limit) -> bool:
        """Whether a refused attempt should be audited: the first of its address, name and scope in a minute.

        A flood of refused attempts is cheap to answer; writing each to the audit log is not.
        """
        key, now = (address, name.casefold(), limit.scope), self.clock()
        with self._lock:
            if now - self._recorded.get(key, float("-inf")) < REFUSALS_RECORDED_EVERY:
                return False
            if len(self._recorded) >= _MAX_KEYS:
                self._recorded = {k: t for k, t in self._recorded.items() if now - t < REFUSALS_RECORDED_EVERY}
            self._recorded[key] = now
            return True

    def failed(self, address: str, name: str) -> None:
        """Count a failed attempt in every count."""
        name = name.casefold()
        self.pairs.failed(f"{address}|{name}")
        self.addresses.failed(address)
        self.names.failed(name, source=address)

    def succeeded(self, address: str, name: str) -> str:
        """Forget this address's failures on ``name`` and return a device token for the browser.

        The address's count across names and the name's count across addresses stay:
        logging in to one's own account must not reset a spray or a distributed attack.
        """
        name = name.casefold()
        self.pairs.reset(f"{address}|{name}")
        return self.device_token(name)

    def device_token(self, name: str) -> str:
        """A token that marks a browser as having logged in as ``name`` (signed, dated)."""
        issued = str(int(self.clock()))
        return f"{issued}.{self._sign(name.casefold(), issued)}"

    def trusted(self, name: str, token: str | None) -> bool:
        """Whether ``token`` is a live device token of ``name``."""
        if not token or len(token) > 200 or "." not in token:
            return False
        issued, mac = token.split(".", 1)
        if not issued.isdigit() or not hmac.compare_digest(mac, self._sign(name.casefold(), issued)):
            return False
        return self.clock() - int(issued) < self.settings.device_days * 86400

    def _sign(self, name: str, issued: str) -> str:
        return hmac.new(self._secret, f"{name}|{issued}".encode(), hashlib.sha256).hexdigest()
