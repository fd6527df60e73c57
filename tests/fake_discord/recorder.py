"""An append-only log that tests can await: "wait until an item like this shows up"."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
Predicate = Callable[[T], bool]


class Recorder(Generic[T]):
    """Items in arrival order, plus waiters resolved by the first item matching their predicate.

    Items may be mutable (a message edited later): `touch(item)` re-offers an item to waiters.
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self.items: list[T] = []
        self._waiters: list[tuple[Predicate[T], asyncio.Future[T]]] = []

    def add(self, item: T) -> None:
        self.items.append(item)
        self.touch(item)

    def touch(self, item: T) -> None:
        for predicate, future in list(self._waiters):
            if future.done():
                continue
            try:
                if predicate(item):
                    future.set_result(item)
            except Exception as exc:
                future.set_exception(exc)

    async def wait_for(self, predicate: Predicate[T], timeout: float = 5.0) -> T:
        """The first recorded item matching `predicate`, waiting up to `timeout` seconds."""
        for item in self.items:
            if predicate(item):
                return item
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        waiter = (predicate, future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            recent = "\n  ".join(repr(item)[:300] for item in self.items[-8:]) or "(none)"
            msg = f"no matching {self.what} within {timeout}s; the last ones:\n  {recent}"
            raise TimeoutError(msg) from None
        finally:
            self._waiters.remove(waiter)
