// An HTTP/2 server on Go's net/http with golang.org/x/net/http2/h2c (Debian's golang-golang-x-net-dev): h2c
// by prior knowledge and by "Upgrade: h2c". Built in GOPATH mode from /usr/share/gocode, no module download.
//
//	go run main.go -addr 127.0.0.1:50730
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:50730", "listen address")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("content-type", "text/plain")
		fmt.Fprintf(w, "hello from Go net/http over %s\n", r.Proto)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		// 192 KiB: more than the 65,535-byte default windows, so the client's WINDOW_UPDATEs pace it.
		w.Header().Set("content-type", "application/octet-stream")
		w.Write(bytes.Repeat([]byte("0123456789abcdef"), 192*1024/16))
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body := new(bytes.Buffer)
		body.ReadFrom(r.Body)
		w.Header().Set("content-type", "text/plain")
		w.Header().Set("trailer", "x-body-length")
		w.Write(body.Bytes())
		w.Header().Set("x-body-length", fmt.Sprint(body.Len()))
	})
	mux.HandleFunc("/teapot", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "short and stout", http.StatusTeapot)
	})
	mux.HandleFunc("/abort", func(w http.ResponseWriter, r *http.Request) {
		// Headers and part of the body, then the handler gives up: net/http's HTTP/2 server resets the stream.
		w.Header().Set("content-type", "text/plain")
		w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})

	server := &http.Server{Addr: *addr, Handler: h2c.NewHandler(mux, &http2.Server{})}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		server.Close()
	}()
	log.Printf("listening on %s", *addr)
	if err := server.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
