"""A call that goes on after its deadline, between two Python grpcio (C-core) peers in one process.

C-core enforces a call's deadline on both sides by default (the server cancels at grpc-timeout, the client
resets at its deadline), so the overrun needs deadline checking off on both: "grpc.enable_deadline_checking"
= 0 (GRPC_ARG_ENABLE_DEADLINE_CHECKS). The client still sends grpc-timeout; the server's Watch handler
sleeps and yields without looking at context.is_active() or context.time_remaining().

    overrun.py --port P --deadline-ms D --count N --interval-ms I
        prints {"calls": [...]} (messages as hex), like scripts/samples/grpc/py/lab.py client.
"""

import argparse
import json
import os
import sys
import time
from concurrent import futures

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "grpc", "py"))
import grpc  # noqa: E402

import scope_pb as pb  # noqa: E402

OPTIONS = [("grpc.enable_http_proxy", 0), ("grpc.enable_deadline_checking", 0)]
PATH = "/scope.v1.Lab/Watch"


def main():
    parser = argparse.ArgumentParser()
    for name in ("--port", "--deadline-ms", "--count", "--interval-ms"):
        parser.add_argument(name, type=int, required=True)
    args = parser.parse_args()

    def watch(request, context):
        req = pb.decode("WatchRequest", request)
        for i in range(1, req.get("count", 0) + 1):
            # Deliberately no context.is_active() check: the handler ignores its deadline.
            yield pb.encode("Event", {"seq": i, "topic": req.get("topic", ""), "data": f"tick {i}".encode()})
            if i < req["count"]:
                time.sleep(req.get("interval_ms", 0) / 1000)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), options=OPTIONS)
    handlers = {"Watch": grpc.unary_stream_rpc_method_handler(watch)}
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("scope.v1.Lab", handlers),))
    server.add_insecure_port(f"127.0.0.1:{args.port}")
    server.start()

    request = pb.encode("WatchRequest", {"topic": "late", "count": args.count, "interval_ms": args.interval_ms})
    channel = grpc.insecure_channel(f"127.0.0.1:{args.port}", options=OPTIONS)
    call = channel.unary_stream(PATH)(request, timeout=args.deadline_ms / 1000)
    responses = []
    try:
        for message in call:
            responses.append(message.hex())
    except grpc.RpcError:
        pass
    code = call.code()
    record = {
        "connection": 0,
        "method": PATH,
        "deadlineMs": args.deadline_ms,
        "requests": [request.hex()],
        "responses": responses,
        "status": code.value[0],
        "statusName": code.name,
        "message": call.details() or "",
        "note": "deadline checking off on both sides: the client waited, the server streamed on",
    }
    channel.close()
    time.sleep(0.2)  # the client's GOAWAY and FIN first: a server stop with the connection up cancels it
    server.stop(0).wait()
    print(json.dumps({"calls": [record]}))


if __name__ == "__main__":
    main()
