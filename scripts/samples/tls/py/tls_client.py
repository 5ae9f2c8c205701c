"""Python grpcio (C-core) client of scope.v1.Lab over TLS, for the tls-py-grpcio sample. Run with Debian's
/usr/bin/python3 (python3-grpcio). grpcio has no key log option of its own: record.ts runs this under
LD_PRELOAD=keylog-shim.so with SSLKEYLOGFILE set (Debian's grpcio links the system libssl).

    tls_client.py PORT CERT
        prints {"calls": [...]} (messages as hex), as scripts/samples/grpc/py/lab.py client does.
"""

import json
import os
import sys

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "grpc", "py"))
import lab  # noqa: E402  (the gRPC samples' recorder and codec)
import scope_pb as pb  # noqa: E402

SNI = "h2scope.test"


def main():
    port, cert = sys.argv[1], sys.argv[2]
    with open(cert, "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    options = lab.NO_PROXY + [("grpc.ssl_target_name_override", SNI)]
    with grpc.secure_channel(f"127.0.0.1:{port}", credentials, options=options) as channel:
        recorder = lab.Recorder(channel)
        recorder.unary(
            pb.encode("EchoRequest", {"text": "hello from grpcio over TLS", "id": 11, "labels": ["py", "tls"]}),
            metadata=(("x-trace-id", "py-tls-0001"),),
        )
        recorder.unary(
            pb.encode("EchoRequest", {"text": "nope", "fail_with": 7, "fail_message": "denied over TLS"}),
            metadata=(("x-trace-id", "py-tls-0002"),),
        )
        recorder.server_stream("Watch", pb.encode("WatchRequest", {"topic": "py-tls", "count": 2}))
        json.dump({"calls": recorder.calls}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
