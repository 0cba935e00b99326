package mockapi_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// A Server answers the probes at /_health/live and /_health/ready, and
// serves Prometheus metrics at /_metrics: requests by project, operation
// and status class, latency histograms and the request log's queue. None
// of them is a project's traffic. Options.HealthPath and
// Options.MetricsPath move them, or turn them off with "-".
func ExampleServer_Metrics() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, err := mockapi.New(mockapi.Options{Store: st})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	if _, err := srv.PutProject(ctx, "default", "Hello", []byte(spec), store.Public); err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	get := func(path string) (int, string) {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	get("/hello")
	get("/hello")
	code, body := get("/_health/ready")
	fmt.Println(code, strings.TrimSpace(body))

	// The operation has no operationId: the one the loader derives counts.
	_, metrics := get("/_metrics")
	lines := bufio.NewScanner(strings.NewReader(metrics))
	for lines.Scan() {
		if line := lines.Text(); strings.HasPrefix(line, "mockapi_requests_total{") ||
			strings.HasPrefix(line, "mockapi_request_duration_seconds_count") {
			fmt.Println(line)
		}
	}
	// Output:
	// 200 {"status":"ready"}
	// mockapi_request_duration_seconds_count{project="default"} 2
	// mockapi_requests_total{class="2xx",operation="getHello",project="default"} 2
}
