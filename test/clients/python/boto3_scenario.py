#!/usr/bin/python3
"""The real-client scenario through Debian's boto3/botocore (query/XML protocol).

Usage: boto3_scenario.py ENDPOINT_URL QUEUE_NAME
Asserts every step (botocore checks no digests, so this script checks them all) and prints a
JSON summary as its last line. Exit status 0 means the scenario passed.
"""
import hashlib
import json
import struct
import sys
import time

import boto3
import botocore
from botocore.config import Config

ENDPOINT, NAME = sys.argv[1], sys.argv[2]
ACCOUNT, REGION = "000000000000", "us-east-1"

BODY = "hello <&> \"emulator\" 'q'\r\nline2 \t\u2713 \U0001F600"
BATCH_BODIES = ["batch-0", "batch-1 <x/> & \u2713", "batch-2\r\n"]
BLOB = bytes([0, 1, 2, 0xFF])
ATTRS = {
    "color": {"DataType": "String", "StringValue": "blue \u2713 <&>"},
    "n": {"DataType": "Number", "StringValue": "7"},
    "blob": {"DataType": "Binary", "BinaryValue": BLOB},
}
TAGS = {"env": "test", "team": "core \u2713"}


def md5(data):
    return hashlib.md5(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def md5_of_attributes(attrs):
    out = b""

    def field(b):
        return struct.pack(">I", len(b)) + b

    for name in sorted(attrs):
        a = attrs[name]
        out += field(name.encode()) + field(a["DataType"].encode())
        if "BinaryValue" in a:
            out += b"\x02" + field(a["BinaryValue"])
        else:
            out += b"\x01" + field(a["StringValue"].encode())
    return hashlib.md5(out).hexdigest()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def eq(actual, expected, what):
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


sqs = boto3.client(
    "sqs",
    endpoint_url=ENDPOINT,
    region_name=REGION,
    aws_access_key_id="test",
    aws_secret_access_key="test",
    config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=10),
)
eq(sqs.meta.service_model.protocol, "query", "botocore protocol")

url = sqs.create_queue(QueueName=NAME, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
eq(url, f"{ENDPOINT}/{ACCOUNT}/{NAME}", "CreateQueue QueueUrl")
eq(sqs.get_queue_url(QueueName=NAME)["QueueUrl"], url, "GetQueueUrl")
eq(sqs.list_queues(QueueNamePrefix=NAME).get("QueueUrls"), [url], "ListQueues")
# An empty listing must still parse (botocore needs <ListQueuesResult/>).
eq(sqs.list_queues(QueueNamePrefix="no-such-prefix-" + NAME).get("QueueUrls"), None, "empty ListQueues")

sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "45", "DelaySeconds": "0"})
attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
eq(attrs["VisibilityTimeout"], "45", "VisibilityTimeout")
eq(attrs["QueueArn"], f"arn:aws:sqs:{REGION}:{ACCOUNT}:{NAME}", "QueueArn")

sent = sqs.send_message(QueueUrl=url, MessageBody=BODY, MessageAttributes=ATTRS)
eq(sent["MD5OfMessageBody"], md5(BODY), "SendMessage MD5OfMessageBody")
eq(sent["MD5OfMessageAttributes"], md5_of_attributes(ATTRS), "SendMessage MD5OfMessageAttributes")

batch = sqs.send_message_batch(
    QueueUrl=url, Entries=[{"Id": f"e{i}", "MessageBody": b} for i, b in enumerate(BATCH_BODIES)]
)
eq(batch.get("Failed", []), [], "SendMessageBatch Failed")
eq(sorted(e["Id"] for e in batch["Successful"]), ["e0", "e1", "e2"], "SendMessageBatch Successful")
for e in batch["Successful"]:
    eq(e["MD5OfMessageBody"], md5(BATCH_BODIES[int(e["Id"][1:])]), "batch entry MD5")

received = []
deadline = time.time() + 8
while len(received) < 4 and time.time() < deadline:
    r = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
        AttributeNames=["All"], MessageAttributeNames=["All"],
    )
    received += r.get("Messages", [])
eq(sorted(m["Body"] for m in received), sorted([BODY] + BATCH_BODIES), "received bodies (CR must survive XML)")
for m in received:
    eq(m["MD5OfBody"], md5(m["Body"]), "MD5OfBody")
    eq(m["Attributes"]["ApproximateReceiveCount"], "1", "ApproximateReceiveCount")
first = next(m for m in received if m["MessageId"] == sent["MessageId"])
eq(first["MessageAttributes"], ATTRS, "message attributes")
eq(first["MD5OfMessageAttributes"], md5_of_attributes(ATTRS), "MD5OfMessageAttributes")

sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, AttributeNames=["ApproximateReceiveCount"]).get("Messages", [])
eq([(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in again], [(BODY, "2")], "after ChangeMessageVisibility 0")

sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]["ReceiptHandle"])
rest = [m for m in received if m is not first]
deleted = sqs.delete_message_batch(
    QueueUrl=url, Entries=[{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(rest)]
)
eq(deleted.get("Failed", []), [], "DeleteMessageBatch Failed")
eq(len(deleted["Successful"]), 3, "DeleteMessageBatch Successful")

sqs.tag_queue(QueueUrl=url, Tags=TAGS)
eq(sqs.list_queue_tags(QueueUrl=url).get("Tags"), TAGS, "ListQueueTags")

sqs.send_message(QueueUrl=url, MessageBody="purge me")
sqs.purge_queue(QueueUrl=url)
t0 = time.time()
empty = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
waited = time.time() - t0
eq(empty, [], "receive after purge")
check(waited >= 0.9, f"long poll on an empty queue returned after {waited:.2f} s")
counts = sqs.get_queue_attributes(
    QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
)["Attributes"]
eq(counts, {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}, "counts after purge")

# botocore sends an empty list as the bare member name (Entries=): an empty batch (F180)
for op, entry in [
    ("send_message_batch", "SendMessageBatchRequestEntry"),
    ("delete_message_batch", "DeleteMessageBatchRequestEntry"),
    ("change_message_visibility_batch", "ChangeMessageVisibilityBatchRequestEntry"),
]:
    try:
        getattr(sqs, op)(QueueUrl=url, Entries=[])
        raise AssertionError(f"{op} with Entries=[] succeeded")
    except sqs.exceptions.EmptyBatchRequest as e:
        eq(e.response["Error"]["Code"], "AWS.SimpleQueueService.EmptyBatchRequest", f"{op} empty: code")
        eq(e.response["Error"]["Message"], f"There should be at least one {entry} in the request.", f"{op} empty: message")
        eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, f"{op} empty: status")

sqs.delete_queue(QueueUrl=url)
try:
    sqs.get_queue_url(QueueName=NAME)
    raise AssertionError("GetQueueUrl after DeleteQueue succeeded")
except sqs.exceptions.QueueDoesNotExist as e:
    eq(e.response["Error"]["Code"], "AWS.SimpleQueueService.NonExistentQueue", "error code")
    eq(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, "error status")

print(json.dumps({
    "ok": True,
    "botocore": botocore.__version__,
    "boto3": boto3.__version__,
    "received": len(received),
    "waited": round(waited, 2),
}))
