"""A Lambda handler for an SQS event source with ReportBatchItemFailures (stdlib only)."""
import json


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            if order.get("fail"):
                raise ValueError("order %s cannot be processed" % order.get("orderId"))
            print("order %s processed" % order.get("orderId"))
        except Exception as e:
            print(e)
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
