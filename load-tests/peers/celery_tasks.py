"""Celery's side of load-tests/bin/task-peers: one no-op task on a Redis broker and result backend,
the peer of a task server's queue with a model that takes no time.

    PEER_REDIS=redis://127.0.0.1:6379/0 celery -A celery_tasks worker --pool prefork --concurrency 4
"""
import os

from celery import Celery

REDIS = os.environ.get("PEER_REDIS", "redis://127.0.0.1:6379/0")
app = Celery("peers", broker=REDIS, backend=REDIS)
app.conf.update(task_ignore_result=False, result_expires=600, worker_prefetch_multiplier=4,
                task_acks_late=False, worker_hijack_root_logger=False, broker_connection_retry_on_startup=True)


@app.task(name="peers.noop")
def noop(query: str) -> str:
    return query
