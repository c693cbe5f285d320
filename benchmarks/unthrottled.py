"""contentctl's own command line with the in-process sandbox's rate limit raised: ARGS in.

    python -m benchmarks.unthrottled -C REPO plan --detailed-exitcode

The same CLI and client code as ``contentctl ARGS`` against ``endpoint:
sandbox``; only the in-process sandbox's limit is ``RATE_LIMIT`` requests per
2-minute window instead of Publer's 100 (the client follows the sandbox's
``X-RateLimit-Limit``). A refresh of 10,000 managed posts lists hundreds of
pages, which at Publer's limit is minutes of waiting per hundred requests; the
benchmark wants the work, and reports the requests, not the sleep.
"""

from __future__ import annotations

from typing import Any

RATE_LIMIT = 5_000


def main() -> None:
    from contentctl import sandbox

    original = sandbox.in_process_transport

    def raised(config: Any, **options: Any) -> Any:
        options.setdefault("rate_limit", RATE_LIMIT)
        options.setdefault("publer_plan", None)  # the generated schedules pass the daily caps
        return original(config, **options)

    sandbox.in_process_transport = raised
    from contentctl.__main__ import run

    run()


if __name__ == "__main__":
    main()
