package mockapi_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/store/memory"
)

// A Server with an admin token serves the dashboard at
// mockapi.DashboardPath: a browser without a session is sent to the
// sign-in page, and the admin token, posted with the form's CSRF token,
// opens the projects page.
func ExampleServer_dashboard() {
	st := memory.New()
	defer st.Close()
	srv, err := mockapi.New(mockapi.Options{Store: st, AdminToken: "0123456789abcdef0123456789abcdef"})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(ts.URL + mockapi.DashboardPath + "/")
	if err != nil {
		log.Fatal(err)
	}
	page := readAll(resp)
	fmt.Println(resp.Request.URL.Path) // redirected to sign in

	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	resp, err = browser.PostForm(ts.URL+mockapi.DashboardPath+"/login",
		url.Values{"csrf": {csrf}, "token": {"0123456789abcdef0123456789abcdef"}})
	if err != nil {
		log.Fatal(err)
	}
	page = readAll(resp)
	fmt.Println(resp.StatusCode, resp.Request.URL.Path, strings.Contains(page, "<h1>Projects</h1>"))
	// Output:
	// /_admin/ui/login
	// 200 /_admin/ui/ true
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
