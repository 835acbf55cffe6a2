"""boto3's side of the benchmark: the same GetItem / PutItem of the 1 KB item, one client reused.

Run by `ddb-bench run --python <python with boto3>`; prints one JSON document:
{"get": {"calls", "p50_us", "p99_us", "cpu_us"}, "put": {...}, "throughput": {"1": calls/s, "8": ..., "64": ...}}
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import argparse
import json
import threading
import time

import boto3
from botocore.config import Config

KEY = "k1"
ITEM = {"id": {"S": KEY}, "n": {"N": "42"}, "flag": {"BOOL": True}, "payload": {"S": "x" * 960}}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--no-throughput", action="store_true")
    args = parser.parse_args()

    client = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=args.endpoint,
        config=Config(max_pool_connections=64, retries={"mode": "standard", "max_attempts": 3}),
    )

    def get():
        item = client.get_item(TableName=args.table, Key={"id": {"S": KEY}}).get("Item")
        if item is None or len(item["payload"]["S"]) != 960:
            raise SystemExit(f"unexpected item: {item!r:.200}")

    def put():
        client.put_item(TableName=args.table, Item=ITEM)

    result = {}
    # PutItem first, so that against a real server GetItem finds the item.
    for name, call in (("put", put), ("get", get)):
        for _ in range(args.warmup):
            call()
        samples = []
        cpu_before = time.process_time()
        for _ in range(args.calls):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
        cpu = (time.process_time() - cpu_before) / args.calls
        samples.sort()
        pick = lambda p: samples[round((len(samples) - 1) * p)] * 1e6
        result[name] = {"calls": args.calls, "p50_us": pick(0.5), "p99_us": pick(0.99), "cpu_us": cpu * 1e6}

    if not args.no_throughput:
        result["throughput"] = {str(c): throughput(get, c, args.duration) for c in (1, 8, 64)}
    print(json.dumps(result))


def throughput(call, concurrency, duration):
    """GetItem calls per second with `concurrency` threads sharing the client."""
    stop = threading.Event()
    counts = [0] * concurrency
    errors = []

    def worker(i):
        try:
            while not stop.is_set():
                call()
                counts[i] += 1
        except BaseException as e:  # reported, not swallowed
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(duration)
    stop.set()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"boto3 throughput at {concurrency}: {errors[0]!r}")
    return sum(counts) / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
