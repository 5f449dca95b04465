"""Coroutines of the load generator run from a test."""

import asyncio
import threading


def run(coroutine, timeout: float = 10):
    """Run on an event loop of its own thread: the browser tests' Playwright keeps a loop
    running in the main thread, where ``asyncio.run`` refuses to start."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(asyncio.wait_for(coroutine, timeout))
        except BaseException as exc:  # handed to the test's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
