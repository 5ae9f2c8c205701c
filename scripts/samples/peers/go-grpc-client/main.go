// A grpc-go client (Debian's golang-google-grpc-dev 1.33, GOPATH mode) calling the Lab service of
// scripts/samples/grpc with hand-encoded protobuf bytes: a codec that passes []byte through, so no protoc.
//
//	go run main.go -addr 127.0.0.1:50740
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error)      { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error { *(v.(*[]byte)) = append([]byte(nil), data...); return nil }
func (rawCodec) Name() string                               { return "proto" }

// echoRequest encodes scope.v1.EchoRequest{text = 1, fail_with = 12, fail_message = 13}.
func echoRequest(text string, failWith int, failMessage string) []byte {
	out := []byte{0x0a, byte(len(text))}
	out = append(out, text...)
	if failWith != 0 {
		out = append(out, 0x60, byte(failWith))
		out = append(out, 0x6a, byte(len(failMessage)))
		out = append(out, failMessage...)
	}
	return out
}

func main() {
	addr := flag.String("addr", "127.0.0.1:50740", "server address")
	flag.Parse()
	encoding.RegisterCodec(rawCodec{})
	conn, err := grpc.Dial(*addr, grpc.WithInsecure(), grpc.WithBlock(),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer conn.Close()
	calls := []struct {
		text, message string
		code          int
		timeout       time.Duration
	}{
		{"hello from grpc-go", "", 0, 5 * time.Second},
		{"not there", "no such key", 5, 5 * time.Second},
		{"again", "", 0, 5 * time.Second},
		{"unauthenticated", "who are you", 16, 5 * time.Second},
	}
	for _, c := range calls {
		ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
		ctx = metadata.AppendToOutgoingContext(ctx, "x-client", "grpc-go")
		req := echoRequest(c.text, c.code, c.message)
		var resp []byte
		err := conn.Invoke(ctx, "/scope.v1.Lab/Echo", &req, &resp)
		cancel()
		s := status.Convert(err)
		fmt.Printf("%d\t%s\t%s\t%d\n", int(s.Code()), s.Code(), s.Message(), len(resp))
	}
}
