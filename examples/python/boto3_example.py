"""Python with boto3: create a queue, send a message with an attribute, receive and delete it.

    SQS_ENDPOINT=http://127.0.0.1:9324 python3 examples/python/boto3_example.py
"""
import os

import boto3

sqs = boto3.client(
    "sqs",
    endpoint_url=os.environ.get("SQS_ENDPOINT", "http://127.0.0.1:9324"),
    region_name="us-east-1",
    aws_access_key_id="test",  # any values: signatures are not checked
    aws_secret_access_key="test",
)

queue_url = sqs.create_queue(QueueName="example-python")["QueueUrl"]
sent = sqs.send_message(
    QueueUrl=queue_url,
    MessageBody="hello from boto3",
    MessageAttributes={"kind": {"DataType": "String", "StringValue": "greeting"}},
)
received = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5, MessageAttributeNames=["All"])
messages = received.get("Messages", [])
for m in messages:
    print(f"received {m['MessageId']}: {m['Body']} (kind={m['MessageAttributes']['kind']['StringValue']})")
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
assert messages and messages[0]["MessageId"] == sent["MessageId"], "did not receive the message just sent"
print("ok")
