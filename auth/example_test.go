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

// UserTokens admits callers by the user tokens in a store, and
// AnyMembership lets the store's teams and the application's directory
// both vouch for a member.
func ExampleUserTokens() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	secret, tok := auth.NewUserToken()
	u := &store.User{Name: "Ada", Email: "ada@example.com"}
	if err := st.Users().Create(ctx, u, tok); err != nil {
		panic(err)
	}
	directory := auth.MembershipFunc(func(_ context.Context, user, team string) (bool, error) {
		return team == "legacy", nil // the application's own teams
	})
	g := auth.NewGuard(auth.Options{
		Keys:          st.Keys(),
		Authenticator: auth.UserTokens(st.Users()),
		Membership:    auth.AnyMembership(st.Teams(), directory),
	})
	defer g.Close()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.PrincipalFrom(r.Context())
		fmt.Fprint(w, p.Method)
	})
	call := func(p *auth.Policy, token string) string {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		g.Protect(p)(ok).ServeHTTP(w, r)
		return fmt.Sprint(w.Code, " ", w.Body.String())
	}
	fmt.Println(call(&auth.Policy{Project: "p", Visibility: store.Authenticated}, secret))
	fmt.Println(call(&auth.Policy{Project: "p", Visibility: store.Authenticated}, ""))
	fmt.Println(call(&auth.Policy{Project: "p", Visibility: store.Private, Team: "legacy"}, secret))
	fmt.Println(call(&auth.Policy{Project: "p", Visibility: store.Private, Team: "other"}, secret))
	// Output:
	// 200 user_token
	// 401 {"type":"about:blank","title":"Unauthorized","status":401,"detail":"This API needs credentials: an API key in Authorization: Bearer, X-API-Key or apidogToken.","code":"AUTHENTICATION_REQUIRED"}
	// 200 user_token
	// 403 {"type":"about:blank","title":"Forbidden","status":403,"detail":"The credentials are valid but do not allow this operation.","code":"FORBIDDEN"}
}
