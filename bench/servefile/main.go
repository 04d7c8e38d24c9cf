// Command servefile is the floor herald's feed serving is compared with:
// Go's plain http.ServeFile of one file, with nothing else in the way.
//
//	go run ./bench/servefile -addr 127.0.0.1:8081 -file DIR/rss.xml
//
// Every request, whatever its path, gets the file, with Last-Modified and
// (since -etag is on by default) the ETag that herald would send, so
// If-None-Match gets a 304 from both servers. It stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen `address` (keep it on loopback)")
	file := flag.String("file", "", "the `file` to serve")
	etag := flag.Bool("etag", true, "send a strong ETag (SHA-256 of the file) so If-None-Match answers 304")
	flag.Parse()
	if err := run(*addr, *file, *etag); err != nil {
		fmt.Fprintln(os.Stderr, "servefile:", err)
		os.Exit(1)
	}
}

func run(addr, file string, withETag bool) error {
	handler, tag, err := newHandler(file, withETag)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: addr, Handler: handler, ErrorLog: log.New(os.Stderr, "servefile: ", 0)}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	fmt.Printf("Serving %s on http://%s/ (etag %s)\n", file, addr, tag)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHandler serves file with http.ServeFile for every path, setting first
// the strong ETag herald computes for the same bytes (the SHA-256, first
// 18 bytes, base64url) when withETag. It returns the tag.
func newHandler(file string, withETag bool) (http.Handler, string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("read file to serve: %w", err)
	}
	sum := sha256.Sum256(data)
	tag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if withETag {
			w.Header().Set("ETag", tag)
		}
		http.ServeFile(w, r, file)
	}), tag, nil
}
