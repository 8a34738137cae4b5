#!/usr/bin/python3
"""Debian's python3-kombu 5.2 SQS transport (Celery's broker layer) against the emulator.

Usage: kombu_scenario.py PORT PREFIX

1. Sync path (boto3, query): SimpleQueue put / get / ack, queue size back to 0.
2. Async path (a Celery worker's): a kombu event-loop Hub, a Consumer on the queue; kombu's
   AsyncSQSConnection hand-builds ReceiveMessage, sends it with pycurl as a POST to the queue
   URL's path with neither QueueUrl nor Version, and parses the XML with botocore.
Prints a JSON summary as its last line; exit status 0 means both paths passed.
"""
import json
import sys
import time

import kombu
from kombu import Connection, Consumer
from kombu.asynchronous import Hub, set_event_loop
from kombu.asynchronous.aws import connection as async_aws

PORT, PREFIX = sys.argv[1], sys.argv[2]
BROKER = f"sqs://test:test@127.0.0.1:{PORT}/"
OPTIONS = {"region": "us-east-1", "is_secure": False, "wait_time_seconds": 1, "queue_name_prefix": PREFIX}
BODY = {"task": "add", "args": [2, 3], "text": "hello <&> \"kombu\"\r\n\u2713 \U0001F600"}


def eq(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


summary = {"kombu": kombu.__version__}

# --- 1. sync path ---------------------------------------------------------------------------
with Connection(BROKER, transport_options=OPTIONS) as conn:
    q = conn.SimpleQueue("sync")
    channel = q.channel
    eq(channel.endpoint_url, f"http://127.0.0.1:{PORT}", "kombu endpoint_url")
    eq(channel.sqs().meta.service_model.protocol, "query", "botocore protocol")
    q.put(BODY)
    q.put({"n": 2})
    eq(q.qsize(), 2, "qsize after two puts")
    got = []
    for _ in range(2):
        m = q.get(block=True, timeout=10)
        got.append(m.payload)
        m.ack()
    eq(sorted(got, key=json.dumps), sorted([BODY, {"n": 2}], key=json.dumps), "sync payloads")
    eq(q.qsize(), 0, "qsize after ack")
    sync_url = channel._queue_cache[PREFIX + "sync"]
    eq(sync_url, f"http://127.0.0.1:{PORT}/000000000000/{PREFIX}sync", "queue URL from ListQueues/CreateQueue")
    q.close()
summary["sync"] = len(got)

# --- 2. async path (event loop + pycurl) ----------------------------------------------------
# Record (without altering) every request the async path builds.
async_requests = []
_getrequest = async_aws.AsyncHTTPSConnection.getrequest


def recording_getrequest(self):
    req = _getrequest(self)
    body = req.body.decode() if isinstance(req.body, bytes) else str(req.body)
    async_requests.append({"method": req.method, "url": req.url, "body": body, "client": type(self.http_client).__name__})
    return req


async_aws.AsyncHTTPSConnection.getrequest = recording_getrequest

hub = Hub()
set_event_loop(hub)
received = []
with Connection(BROKER, transport_options=OPTIONS) as conn:
    q = conn.SimpleQueue("async")
    q.put(BODY)
    channel = conn.default_channel
    eq(channel.hub, hub, "channel uses the event loop")

    def on_message(body, message):
        received.append(body)
        message.ack()

    consumer = Consumer(channel, queues=[q.queue], callbacks=[on_message], accept=["json"])
    consumer.consume()
    conn.transport.register_with_event_loop(conn.connection, hub)
    deadline = time.time() + 15
    while not received and time.time() < deadline:
        hub.run_once()
    consumer.cancel()
    eq(received, [BODY], "async payloads")
    if not async_requests:
        raise AssertionError("the async path sent no request")
    queue_url = f"http://127.0.0.1:{PORT}/000000000000/{PREFIX}async"
    for r in async_requests:
        eq((r["method"], r["url"], r["client"]), ("POST", queue_url, "CurlClient"), "async request line and HTTP client")
        params = dict(p.split("=", 1) for p in r["body"].split("&"))
        eq(params.get("Action"), "ReceiveMessage", "async Action")
        eq(("QueueUrl" in params, "Version" in params), (False, False), "async request has no QueueUrl/Version")
    # The ack above deleted the message through the sync client.
    deadline = time.time() + 5
    while q.qsize() != 0 and time.time() < deadline:
        time.sleep(0.1)
    eq(q.qsize(), 0, "qsize after async ack")
    q.close()
hub.close()
summary["async"] = len(received)
summary["asyncRequests"] = async_requests
summary["ok"] = True
print(json.dumps(summary))
