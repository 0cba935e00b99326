package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// A guard in front of an ordinary handler: a private project opens to a key
// allowed for it, and the handler behind sees who called.
func ExampleGuard() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()

	secret, key := auth.NewKey("ci", "petstore")
	key.Owner = "alice"
	if err := st.Keys().Create(ctx, key); err != nil {
		panic(err)
	}

	guard := auth.NewGuard(auth.Options{Keys: st.Keys()})
	defer guard.Close()
	policy := &auth.Policy{
		Project:    "petstore",
		Visibility: store.Private,
		RateLimit:  auth.Limit{Requests: 100, Per: time.Minute},
	}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.PrincipalFrom(r.Context())
		fmt.Fprintf(w, "hello %s (by %s)", p.UserID, p.Method)
	})
	srv := httptest.NewServer(guard.Protect(policy)(hello))
	defer srv.Close()

	call := func(set func(*http.Request)) {
		r, _ := http.NewRequest("GET", srv.URL+"/pets", nil)
		set(r)
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			panic(err)
		}
		defer res.Body.Close()
		var body [200]byte
		n, _ := res.Body.Read(body[:])
		fmt.Println(res.StatusCode, res.Header.Get("Content-Type"))
		if res.StatusCode == 200 {
			fmt.Println(string(body[:n]))
		}
	}
	call(func(*http.Request) {})
	call(func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) })
	call(func(r *http.Request) { r.Header.Set("X-API-Key", secret[:len(secret)-1]+"x") })
	// Output:
	// 401 application/problem+json
	// 200 text/plain; charset=utf-8
	// hello alice (by key)
	// 401 application/problem+json
}

// NewKey returns the secret, shown once, and the key to store: its hash and
// a short prefix, never the secret. CheckKey recognises a key offline.
func ExampleNewKey() {
	secret, key := auth.NewKey("deploy bot", "petstore")
	fmt.Println(len(secret), secret[:3], key.Prefix == secret[:7], key.Hash == auth.HashKey(secret))
	fmt.Println(auth.CheckKey(secret))
	fmt.Println(auth.CheckKey(secret[:20] + "typo" + secret[24:]))
	// Output:
	// 36 mk_ true true
	// <nil>
	// auth: malformed API key
}
