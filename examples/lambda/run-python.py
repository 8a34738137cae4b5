#!/usr/bin/python3
"""Runs a Python Lambda handler once for the emulator's command target (stdlib only).

The SQSEvent arrives on stdin, the handler's return value goes to stdout as JSON, print()
goes to stderr; an exception exits 1 (the batch failed).

    /usr/bin/python3 examples/lambda/run-python.py examples/lambda/handler.py [function]
"""
import importlib.util
import json
import os
import sys
import traceback


class Context:
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    aws_request_id = os.environ.get("AWS_LAMBDA_REQUEST_ID", "")

    def get_remaining_time_in_millis(self):
        return int(float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "3")) * 1000)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "handler.py"
    name = sys.argv[2] if len(sys.argv) > 2 else "handler"
    event = json.load(sys.stdin)
    out = sys.stdout
    sys.stdout = sys.stderr  # stdout carries the response only
    try:
        spec = importlib.util.spec_from_file_location("lambda_handler", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        response = getattr(module, name)(event, Context())
    except Exception:
        traceback.print_exc()
        sys.exit(1)
    out.write(json.dumps(response))


main()
