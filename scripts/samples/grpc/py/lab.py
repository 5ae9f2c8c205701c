"""scope.v1.Lab with Python grpcio (C-core) and generic handlers: a server, and a client plan that prints
what it sent and received as JSON. Run with Debian's /usr/bin/python3 (python3-grpcio).

    lab.py server --port P [--name N] [--strict-pings] [--grace SECONDS] [--gzip] [--reflection FILE]
        prints READY when serving; SIGTERM stops it with server.stop(grace).
    lab.py client --port P
        runs the fixed plan below and prints {"calls": [...]} (messages as hex) on stdout.
    lab.py ticker --port P --interval S --duration S --fail-every N --fail-from I
        one long-lived channel calling Echo every S seconds for S seconds (late-start samples); call I and
        every Nth after it fail NOT_FOUND. Prints FIRST when the first call is done, then one JSON line
        per call: {"index", "startedMs", "endedMs", "status", "message"} (wall clock, epoch ms).
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

import scope_pb as pb

SERVICE = "scope.v1.Lab"
STATUS_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}
NO_PROXY = [("grpc.enable_http_proxy", 0)]


# ---- server -------------------------------------------------------------------------------------------


class Lab:
    def __init__(self, name):
        self.name = name
        self.sequence = 0
        self.lock = threading.Lock()

    def echo(self, request, context):
        req = pb.decode("EchoRequest", request)
        with self.lock:
            self.sequence += 1
            sequence = self.sequence
        time.sleep(req.get("sleep_ms", 0) / 1000)
        if req.get("fail_with"):
            context.abort(STATUS_BY_NUMBER[req["fail_with"]], req.get("fail_message", ""))
        context.send_initial_metadata([("x-served-by", self.name)])
        trailers = [("x-call-seq", str(sequence))]
        blob = dict(context.invocation_metadata()).get("x-blob-bin")
        if blob is not None:
            trailers.append(("x-reply-bin", bytes(reversed(blob))))
        context.set_trailing_metadata(trailers)
        reply = {
            "echo": req,
            "served_by": self.name,
            "sequence": sequence,
            "text_length": len(req.get("text", "").encode("utf-8")),
            "had_blob": "blob" in req,
            "ratio": len(req.get("labels", [])) / 4,
        }
        return pb.encode("EchoReply", reply)

    def watch(self, request, context):
        req = pb.decode("WatchRequest", request)
        count, fail_after = req.get("count", 0), req.get("fail_after", 0)
        for i in range(1, count + 1):
            if fail_after and i > fail_after:
                context.abort(STATUS_BY_NUMBER[req.get("fail_with", 2)], f"failed after {fail_after} events")
            yield pb.encode(
                "Event",
                {
                    "seq": i,
                    "topic": req.get("topic", ""),
                    "mood": pb.MOODS[i % len(pb.MOODS)],
                    "tags": [{"key": "n", "value": str(i)}],
                    "offset": -1000 * i,
                    "data": f"tick {i}".encode(),
                },
            )
            if req.get("interval_ms") and i < count:
                time.sleep(req["interval_ms"] / 1000)

    def upload(self, request_iterator, context):
        sizes = [len(pb.decode("Chunk", chunk).get("data", b"")) for chunk in request_iterator]
        return pb.encode("UploadSummary", {"chunks": len(sizes), "total_bytes": sum(sizes), "sizes": sizes})

    def chat(self, request_iterator, context):
        for seq, message in enumerate(request_iterator, start=1):
            msg = pb.decode("ChatMessage", message)
            text = f"ack: {msg.get('text', '')}"
            yield pb.encode("ChatMessage", {"from": self.name, "text": text, "seq": seq, "attrs": {"to": msg.get("from", "")}})

    def bulk(self, request, context):
        req = pb.decode("BulkRequest", request)
        size = req.get("size", 0)
        for k in range(req.get("count", 0)):
            yield pb.encode("BulkChunk", {"index": k, "data": bytes((k + i) % 251 for i in range(size))})
            if req.get("interval_ms"):
                time.sleep(req["interval_ms"] / 1000)


def pb_bytes(number, data):
    """A length-delimited protobuf field."""
    n, out = len(data), bytearray([number << 3 | 2])
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out) + data


def pb_fields(data):
    """The length-delimited fields of a message, as (number, bytes); others skipped."""
    pos, out = 0, []
    while pos < len(data):
        tag, pos = varint(data, pos)
        if tag & 7 == 2:
            n, pos = varint(data, pos)
            out.append((tag >> 3, data[pos : pos + n]))
            pos += n
        elif tag & 7 == 0:
            _, pos = varint(data, pos)
        else:
            pos += 8 if tag & 7 == 1 else 4
    return out


def varint(data, pos):
    value, shift = 0, 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, pos


def reflection_handler(files):
    """grpc.reflection ServerReflectionInfo by hand (no grpcio-reflection in Debian): list_services (7)
    names the Lab service; any other request (file_containing_symbol 4, file_by_filename 3) gets every
    FileDescriptorProto in `files` (serialized by the Node scenario from scope.proto)."""

    def info(request_iterator, context):
        for request in request_iterator:
            asked = {number for number, _ in pb_fields(request)}
            if 7 in asked:
                body = pb_bytes(6, pb_bytes(1, pb_bytes(1, SERVICE.encode())))
            else:
                body = pb_bytes(4, b"".join(pb_bytes(1, f) for f in files))
            yield pb_bytes(2, request) + body

    return grpc.stream_stream_rpc_method_handler(info)


def read_files(path):
    """FileDescriptorProtos, each as a 4-byte big-endian length and the bytes."""
    with open(path, "rb") as f:
        data = f.read()
    files, pos = [], 0
    while pos < len(data):
        n = int.from_bytes(data[pos : pos + 4], "big")
        files.append(data[pos + 4 : pos + 4 + n])
        pos += 4 + n
    return files


def serve(args):
    options = list(NO_PROXY)
    if args.strict_pings:
        # C-core's ping policy: a ping with no data in between earlier than this is a strike; more than
        # max_ping_strikes strikes -> GOAWAY ENHANCE_YOUR_CALM "too_many_pings".
        options += [
            ("grpc.http2.min_ping_interval_without_data_ms", 300000),
            ("grpc.http2.max_ping_strikes", 2),
        ]
    lab = Lab(args.name)
    handlers = {
        "Echo": grpc.unary_unary_rpc_method_handler(lab.echo),
        "Watch": grpc.unary_stream_rpc_method_handler(lab.watch),
        "Upload": grpc.stream_unary_rpc_method_handler(lab.upload),
        "Chat": grpc.stream_stream_rpc_method_handler(lab.chat),
        "Bulk": grpc.unary_stream_rpc_method_handler(lab.bulk),
    }
    # --gzip: C-core compresses every response message (grpc-encoding gzip), reflection responses too.
    compression = grpc.Compression.Gzip if args.gzip else None
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=options, compression=compression)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    if args.reflection:
        files = read_files(args.reflection)
        for version in ("v1", "v1alpha"):
            server.add_generic_rpc_handlers(
                (
                    grpc.method_handlers_generic_handler(
                        f"grpc.reflection.{version}.ServerReflection", {"ServerReflectionInfo": reflection_handler(files)}
                    ),
                )
            )
    server.add_insecure_port(f"127.0.0.1:{args.port}")
    server.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print("READY", flush=True)
    stopped.wait()
    server.stop(args.grace).wait()


# ---- client -------------------------------------------------------------------------------------------


def metadata_json(metadata):
    out = {}
    for key, value in metadata or ():
        if key.startswith("x-") or key == "grpc-status-details-bin":
            out[key] = {"bytesHex": value.hex()} if isinstance(value, bytes) else value
    return out


class Recorder:
    def __init__(self, channel):
        self.channel = channel
        self.calls = []

    def record(self, method, requests, metadata, note=None):
        call = {"connection": 0, "method": f"/{SERVICE}/{method}", "requests": [r.hex() for r in requests]}
        if metadata:
            call["requestMetadata"] = metadata_json(metadata)
        if note:
            call["note"] = note
        self.calls.append(call)
        return call

    @staticmethod
    def finish(call, outcome, responses):
        call["responses"] = [r.hex() for r in responses]
        call["status"] = outcome.code().value[0]
        call["statusName"] = outcome.code().name
        call["message"] = outcome.details() or ""
        headers = metadata_json(outcome.initial_metadata())
        if headers:
            call["responseHeaders"] = headers
        trailers = metadata_json(outcome.trailing_metadata())
        if trailers:
            call["trailers"] = trailers

    def unary(self, request, metadata=(), note=None):
        call = self.record("Echo", [request], metadata, note)
        stub = self.channel.unary_unary(f"/{SERVICE}/Echo")
        try:
            reply, outcome = stub.with_call(request, metadata=metadata, timeout=10)
            self.finish(call, outcome, [reply])
        except grpc.RpcError as error:
            self.finish(call, error, [])

    def server_stream(self, method, request, metadata=()):
        call = self.record(method, [request], metadata)
        responses = self.channel.unary_stream(f"/{SERVICE}/{method}")(request, metadata=metadata, timeout=10)
        received = []
        try:
            for message in responses:
                received.append(message)
        except grpc.RpcError:
            pass
        self.finish(call, responses, received)

    def client_stream(self, requests, metadata=()):
        call = self.record("Upload", requests, metadata)
        stub = self.channel.stream_unary(f"/{SERVICE}/Upload")
        reply, outcome = stub.with_call(iter(requests), metadata=metadata, timeout=10)
        self.finish(call, outcome, [reply])

    def bidi(self, requests, metadata=()):
        call = self.record("Chat", requests, metadata)
        responses = self.channel.stream_stream(f"/{SERVICE}/Chat")(iter(requests), metadata=metadata, timeout=10)
        received = list(responses)
        self.finish(call, responses, received)


def client(args):
    with grpc.insecure_channel(f"127.0.0.1:{args.port}", options=NO_PROXY) as channel:
        lab = Recorder(channel)
        hello = {
            "text": "hello from grpcio",
            "id": 7,
            "weight": 0.25,
            "mood": "MOOD_BUSY",
            "labels": ["py", "c-core"],
            "deltas": [-64, 64],
            "counters": {"calls": 1},
            "origin": {"x": -1.0, "y": 1.0},
            "blob": b"\x00\x01\xfe\xff",
        }
        lab.unary(
            pb.encode("EchoRequest", hello),
            metadata=(("x-trace-id", "py-0001"), ("x-blob-bin", b"\x00\xff\x10\n")),
            note="x-blob-bin comes back reversed as trailer x-reply-bin",
        )
        lab.unary(
            pb.encode("EchoRequest", {"text": "missing", "fail_with": 5, "fail_message": "introuvable: ✗ café"}),
            metadata=(("x-trace-id", "py-0002"),),
            note="non-ASCII grpc-message",
        )
        lab.server_stream("Watch", pb.encode("WatchRequest", {"topic": "py-weather", "count": 4, "interval_ms": 20}))
        chunks = [pb.encode("Chunk", {"index": i, "data": bytes([i]) * (100 * (i + 1)), "last": i == 2}) for i in range(3)]
        lab.client_stream(chunks)
        chat = [pb.encode("ChatMessage", {"from": "py", "text": text, "seq": i + 1}) for i, text in enumerate(["hi", "bye"])]
        lab.bidi(chat, metadata=(("x-room", "py-room"),))
        json.dump({"calls": lab.calls}, sys.stdout, ensure_ascii=False)


def ticker(args):
    """A steady client on one channel, as a long-running service has: the capture joins it later."""
    with grpc.insecure_channel(f"127.0.0.1:{args.port}", options=NO_PROXY) as channel:
        stub = channel.unary_unary(f"/{SERVICE}/Echo")
        begin = time.monotonic()
        index = 0
        while time.monotonic() - begin < args.duration:
            fail = index >= args.fail_from and (index - args.fail_from) % args.fail_every == 0
            request = {"text": f"tick {index}", "id": index}
            if fail:
                request.update({"fail_with": 5, "fail_message": f"item {index} not found"})
            started = time.time() * 1000
            # A W3C traceparent per call, as traced services send: a new HPACK entry each time.
            traceparent = f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"
            try:
                _, outcome = stub.with_call(
                    pb.encode("EchoRequest", request), metadata=(("traceparent", traceparent),), timeout=10
                )
            except grpc.RpcError as error:
                outcome = error
            ended = time.time() * 1000
            if index == 0:
                print("FIRST", flush=True)
            line = {"index": index, "startedMs": started, "endedMs": ended,
                    "status": outcome.code().value[0], "message": outcome.details() or ""}
            print(json.dumps(line), flush=True)
            index += 1
            time.sleep(max(0.0, begin + index * args.interval - time.monotonic()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["server", "client", "ticker"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--name", default="grpcio")
    parser.add_argument("--strict-pings", action="store_true")
    parser.add_argument("--grace", type=float, default=2.0)
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument("--reflection")
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--fail-every", type=int, default=8)
    parser.add_argument("--fail-from", type=int, default=20)
    args = parser.parse_args()
    {"server": serve, "client": client, "ticker": ticker}[args.mode](args)


if __name__ == "__main__":
    main()
