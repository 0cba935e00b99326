package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi"
)

// healthcheck is "mockserver healthcheck": it asks a mock server on this
// machine whether it is ready and exits 0 if so, 1 if not. A container
// image without a shell or curl (distroless) runs it as its HEALTHCHECK.
// It reads -addr (or $MOCKAPI_ADDR) as the server does, so one variable
// configures both; a wildcard host (0.0.0.0, ::) is asked on loopback.
func healthcheck(ctx context.Context, args []string, env func(string) (string, bool), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mockserver healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:4010", "the address the server listens on")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	envUsage(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if _, err := applyEnv(fs, env); err != nil {
		fmt.Fprintf(stderr, "mockserver healthcheck: %v\n", err)
		return 2
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver healthcheck: -addr %q: %v\n", *addr, err)
		return 2
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	url := "http://" + net.JoinHostPort(host, port) + mockapi.DefaultHealthPath + "/ready"
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver healthcheck: %v\n", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "mockserver healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "mockserver healthcheck: %s: %s %s\n", url, resp.Status, body)
		return 1
	}
	fmt.Fprintf(stdout, "mockserver healthcheck: %s: ready\n", url)
	return 0
}
