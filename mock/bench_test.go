package mock

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mockapi-go/mockapi/openapi"
)

// benchSpec has an operation answered from an example and one answered
// with a generated object of 20 properties.
var benchSpec = func() string {
	var props strings.Builder
	fields := []string{
		"id: {type: integer, format: int64, minimum: 1}",
		"uuid: {type: string, format: uuid}",
		"email: {type: string, format: email}",
		"firstName: {type: string}",
		"lastName: {type: string}",
		"username: {type: string, maxLength: 30}",
		"phone: {type: string}",
		"city: {type: string}",
		"country: {type: string}",
		"postalCode: {type: string}",
		"street: {type: string}",
		"website: {type: string, format: uri}",
		"avatarUrl: {type: string, format: uri}",
		"company: {type: string}",
		"title: {type: string}",
		"description: {type: string, maxLength: 200}",
		"price: {type: number, minimum: 0, multipleOf: 0.01}",
		"currency: {type: string, pattern: '^[A-Z]{3}$'}",
		"createdAt: {type: string, format: date-time}",
		"status: {type: string, enum: [active, suspended, closed]}",
	}
	for _, f := range fields {
		props.WriteString("        " + f + "\n")
	}
	return `openapi: 3.0.3
info: {title: bench, version: "1"}
components:
  schemas:
    User:
      type: object
      required: [id, email, status]
      properties:
` + props.String() + `paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  required: [id, name]
                  properties: {id: {type: integer}, name: {type: string}, tag: {type: string}}
              example: [{id: 1, name: Rex, tag: dog}, {id: 2, name: Tom, tag: cat}, {id: 3, name: Kit}]
  /users/{id}:
    get:
      operationId: getUser
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/User"}
`
}()

func benchHandler(b *testing.B, opts ...Option) *Handler {
	doc, err := openapi.Parse(context.Background(), []byte(benchSpec))
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(doc, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// serve runs handler behind a real loopback HTTP server and requests path
// from parallel keep-alive clients: what a load generator sees.
func serve(b *testing.B, handler http.Handler, path string) {
	srv := httptest.NewServer(handler)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := srv.URL + path
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// bare is the baseline: a net/http handler writing the example's bytes.
func bare(body []byte) http.Handler {
	n := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", n)
		_, _ = w.Write(body)
	})
}

// BenchmarkServe compares, over loopback HTTP, a bare net/http handler with
// the mock answering from an example and with a generated 20-property
// object.
func BenchmarkServe(b *testing.B) {
	h := benchHandler(b, WithSeed(1))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/pets", nil))
	example := rec.Body.Bytes()
	b.Run("baseline", func(b *testing.B) { serve(b, bare(example), "/pets") })
	b.Run("example", func(b *testing.B) { serve(b, h, "/pets") })
	b.Run("generated", func(b *testing.B) { serve(b, h, "/users/42") })
}

// BenchmarkHandler measures the handler alone, without the HTTP stack;
// "logged" writes each request line with slog's text handler, as the mock
// server does by default.
func BenchmarkHandler(b *testing.B) {
	h := benchHandler(b, WithSeed(1))
	logged := benchHandler(b, WithSeed(1), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	for _, tc := range []struct {
		name, path string
		h          http.Handler
	}{{"example", "/pets", h}, {"generated", "/users/42", h}, {"example-logged", "/pets", logged}} {
		h := tc.h
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", tc.path, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code, rec.Body.String())
				}
			}
		})
	}
}
