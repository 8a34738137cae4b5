#!/usr/bin/env bash
# The AWS CLI: create a queue, send, receive and delete a message.
#   SQS_ENDPOINT=http://127.0.0.1:9324 bash examples/aws-cli/example.sh
set -euo pipefail
endpoint="${SQS_ENDPOINT:-http://127.0.0.1:9324}"
# Any credentials do: signatures are not checked.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" AWS_PAGER=""
sqs() { aws --endpoint-url "$endpoint" --output text sqs "$@"; }

queue_url=$(sqs create-queue --queue-name example-cli --query QueueUrl)
echo "queue: $queue_url"
sqs send-message --queue-url "$queue_url" --message-body "hello from the AWS CLI" \
  --message-attributes '{"kind":{"DataType":"String","StringValue":"greeting"}}' --query MessageId
message=$(sqs receive-message --queue-url "$queue_url" --wait-time-seconds 5 \
  --message-attribute-names All --query 'Messages[0].[Body,ReceiptHandle]')
IFS=$'\t' read -r body handle <<< "$message"
echo "received: $body"
sqs delete-message --queue-url "$queue_url" --receipt-handle "$handle"
[ "$body" = "hello from the AWS CLI" ] || { echo "unexpected body: $body" >&2; exit 1; }
echo ok
