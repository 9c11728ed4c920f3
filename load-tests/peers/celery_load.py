"""Drives Celery as load-tests/bin/task-peers drives the task server: N clients in a closed loop,
each submits a no-op task (apply_async to the queue PEER_QUEUE) and waits for its result (get),
then submits the next, for D seconds. Prints one line: RESULT <tasks/s> <p50 us> <p99 us> <errors>.

    PEER_REDIS=redis://127.0.0.1:6379/0 PEER_QUEUE=celery python3 celery_load.py --clients 64 --duration 15
"""
import argparse
import os
import threading
import time

from celery_tasks import noop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, default=15)
    args = parser.parse_args()

    latencies: list[list[float]] = [[] for _ in range(args.clients)]
    errors = [0] * args.clients
    queue = os.environ.get("PEER_QUEUE", "celery")
    deadline = time.monotonic() + args.duration

    def client(i: int) -> None:
        while time.monotonic() < deadline:
            start = time.monotonic()
            try:
                noop.apply_async(("What is the capital of France?",), queue=queue).get(timeout=60)
                latencies[i].append(time.monotonic() - start)
            except Exception:  # counted, as wrk counts a failed request
                errors[i] += 1

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    done = sorted(x for xs in latencies for x in xs)
    if not done:
        print(f"RESULT 0 0 0 {sum(errors)}")
        return
    p = lambda q: done[min(len(done) - 1, int(q * len(done)))] * 1e6
    print(f"RESULT {len(done) / elapsed:.1f} {p(0.50):.0f} {p(0.99):.0f} {sum(errors)}")


if __name__ == "__main__":
    main()
