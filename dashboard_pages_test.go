package mockapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/internal/dashboard"
	"github.com/mockapi-go/mockapi/store"
)

// upload posts a multipart form with a spec file, as a browser's file
// input does.
func (e *dashEnv) upload(path string, fields map[string]string, file string) (*http.Response, string) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(e.t, mw.WriteField("csrf", e.csrf))
	for k, v := range fields {
		require.NoError(e.t, mw.WriteField(k, v))
	}
	fw, err := mw.CreateFormFile("file", "api.yaml")
	require.NoError(e.t, err)
	_, err = io.WriteString(fw, file)
	require.NoError(e.t, err)
	require.NoError(e.t, mw.Close())
	return e.do("POST", path, &buf, mw.FormDataContentType())
}

// brokenSpec has a $ref to nothing on line 7.
const brokenSpec = "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n"

func TestDashboardProjects(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	e.signIn()
	ctx := context.Background()

	// Pasted.
	resp, _ := e.post(DashboardPath+"/projects", url.Values{"id": {"pets"}, "visibility": {"public"}, "spec": {petsSpec}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, DashboardPath+"/projects/pets", resp.Header.Get("Location"))
	body := e.follow(resp)
	assert.Contains(t, body, "Project pets created.")
	assert.Contains(t, body, "/p/pets")
	assert.Contains(t, body, `<label for="op-0">`, "each operation's visibility has a label")
	p, err := e.s.Project(ctx, "pets")
	require.NoError(t, err)
	assert.Equal(t, "Pets", p.Name)
	assert.Equal(t, store.Public, p.Visibility)

	// Uploaded; the name defaults to the spec's title.
	resp, _ = e.upload(DashboardPath+"/projects", map[string]string{"id": "up", "visibility": "private"}, petsSpec)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	p, err = e.s.Project(ctx, "up")
	require.NoError(t, err)
	assert.Equal(t, store.Private, p.Visibility)

	for _, tc := range []struct {
		name string
		form url.Values
		want int
		says []string
	}{
		{"a spec that does not load", url.Values{"id": {"bad"}, "spec": {brokenSpec}}, http.StatusUnprocessableEntity,
			[]string{"Line 7:", "Nope", `aria-invalid="true"`, "responses/Nope"}},
		{"no spec", url.Values{"id": {"none"}}, http.StatusUnprocessableEntity, []string{"Upload or paste a spec."}},
		{"a taken id", url.Values{"id": {"pets"}, "spec": {petsSpec}}, http.StatusConflict, []string{"project:"}},
		{"a bad visibility", url.Values{"id": {"v"}, "visibility": {"secret"}, "spec": {petsSpec}}, http.StatusUnprocessableEntity, []string{"visibility"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.post(DashboardPath+"/projects", tc.form)
			assert.Equal(t, tc.want, resp.StatusCode)
			for _, s := range tc.says {
				assert.Contains(t, body, s)
			}
			// What was typed stays in the form.
			assert.Contains(t, body, `value="`+tc.form.Get("id")+`"`)
		})
	}
	ps, err := e.s.ListProjects(ctx, store.ProjectFilter{})
	require.NoError(t, err)
	assert.Len(t, ps, 2, "nothing refused was created")

	// The list.
	_, body = e.get(DashboardPath + "/")
	assert.Contains(t, body, `href="`+DashboardPath+`/projects/pets"`)
	assert.Contains(t, body, `href="`+DashboardPath+`/projects/up"`)

	// Settings: visibility, rate limit, sharing, an operation override.
	e.get(DashboardPath + "/projects/pets")
	resp, _ = e.post(DashboardPath+"/projects/pets/settings", url.Values{"name": {"Pet store"}, "visibility": {"private"},
		"rate_requests": {"100"}, "rate_per": {"1m0s"}, "op:listPets": {"public"}, "op:getPet": {"inherit"}, "op:createPet": {"inherit"}})
	body = e.follow(resp)
	assert.Contains(t, body, "Settings saved.")
	p, err = e.s.Project(ctx, "pets")
	require.NoError(t, err)
	assert.Equal(t, "Pet store", p.Name)
	assert.Equal(t, store.Private, p.Visibility)
	assert.Equal(t, RateLimit{Requests: 100, Per: 60e9}, p.Settings.RateLimit)
	assert.True(t, p.Settings.SharingOff, "the sharing box was left unchecked")
	assert.Equal(t, map[string]store.Visibility{"listPets": store.Public}, p.OperationVisibility)
	assert.Regexp(t, `<option value="public" selected>`, body)
	// The page shows what is stored: a call to the public operation works
	// without a key, the private project's others do not.
	resp, _ = e.get("/p/pets/pets")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = e.get("/p/pets/pets/1")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	for _, tc := range []struct {
		name string
		form url.Values
		says string
	}{
		{"an unknown operation", url.Values{"name": {"x"}, "visibility": {"private"}, "op:nope": {"public"}}, "operation_visibility"},
		{"a bad rate", url.Values{"name": {"x"}, "visibility": {"private"}, "rate_requests": {"-3"}}, "rate_limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.post(DashboardPath+"/projects/pets/settings", tc.form)
			assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
			assert.Contains(t, body, tc.says)
		})
	}
	// Removing the limit and the override.
	resp, _ = e.post(DashboardPath+"/projects/pets/settings", url.Values{"name": {"Pet store"}, "visibility": {"private"},
		"sharing": {"on"}, "rate_requests": {""}, "op:listPets": {"inherit"}})
	e.follow(resp)
	p, err = e.s.Project(ctx, "pets")
	require.NoError(t, err)
	assert.True(t, p.Settings.RateLimit.IsZero())
	assert.False(t, p.Settings.SharingOff)
	assert.Empty(t, p.OperationVisibility)

	// Stored settings that cannot be read: the page says so, and saving
	// the form repairs them.
	sp, err := e.s.st.Projects().Get(ctx, "pets")
	require.NoError(t, err)
	sp.Settings = []byte(`{"rate_limit":{"requests":3,"per":"a minute"}}`)
	require.NoError(t, e.s.st.Projects().Update(ctx, sp))
	resp, body = e.get(DashboardPath + "/projects/pets")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "This project cannot be served")
	assert.Contains(t, body, "a minute")
	resp, _ = e.get("/p/pets/pets")
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	resp, _ = e.post(DashboardPath+"/projects/pets/settings", url.Values{"name": {"Pet store"}, "visibility": {"public"},
		"sharing": {"on"}, "rate_requests": {"5"}, "rate_per": {"1s"}})
	assert.Contains(t, e.follow(resp), "Settings saved.")
	p, err = e.s.Project(ctx, "pets")
	require.NoError(t, err)
	require.NoError(t, p.SettingsErr)
	assert.Equal(t, RateLimit{Requests: 5, Per: time.Second}, p.Settings.RateLimit)
	resp, _ = e.get("/p/pets/pets")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "served again")
	resp, _ = e.post(DashboardPath+"/projects/pets/settings", url.Values{"name": {"Pet store"}, "visibility": {"private"}, "sharing": {"on"}})
	e.follow(resp)

	// Replacing the spec: a broken one is refused with its line and kept
	// in the form; a good one is served.
	resp, body = e.post(DashboardPath+"/projects/pets/spec", url.Values{"spec": {brokenSpec}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "Line 7:")
	assert.Contains(t, body, "$ref: &#39;#/components/responses/Nope&#39;")
	twoOps := strings.Replace(petsSpec, "  /pets/{petId}:", "  /dogs:\n    get:\n      operationId: listDogs\n      responses: {'200': {description: ok}}\n  /pets/{petId}:", 1)
	resp, _ = e.upload(DashboardPath+"/projects/pets/spec", nil, twoOps)
	body = e.follow(resp)
	assert.Contains(t, body, "Spec replaced.")
	assert.Contains(t, body, "listDogs")

	// Reset.
	resp, _ = e.post(DashboardPath+"/projects/pets/reset", nil)
	assert.Contains(t, e.follow(resp), "Data reset")

	// Delete needs the id typed again.
	resp, body = e.get(DashboardPath + "/projects/pets/delete")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `<label for="confirm">`)
	resp, _ = e.post(DashboardPath+"/projects/pets/delete", url.Values{"confirm": {"pet"}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	_, err = e.s.Project(ctx, "pets")
	require.NoError(t, err, "not deleted")
	resp, _ = e.post(DashboardPath+"/projects/pets/delete", url.Values{"confirm": {"pets"}})
	assert.Contains(t, e.follow(resp), "Project pets deleted.")
	_, err = e.s.Project(ctx, "pets")
	assert.ErrorIs(t, err, ErrNotFound)

	resp, _ = e.get(DashboardPath + "/projects/pets")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

var secretRe = regexp.MustCompile(`id="secret-value"[^>]*value="([^"]+)"`)

func TestDashboardKeys(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	e.createProject("pets", petsSpec, store.Private)
	e.createProject("shop", petsSpec, store.Private)
	e.signIn()
	ctx := context.Background()

	_, body := e.get(DashboardPath + "/keys")
	assert.Contains(t, body, "No keys yet.")
	resp, body := e.post(DashboardPath+"/keys", url.Values{"name": {"frontend"}, "projects": {"pets"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	m := secretRe.FindStringSubmatch(body)
	require.NotNil(t, m, "the secret is shown")
	secretKey := m[1]
	assert.True(t, strings.HasPrefix(secretKey, "mk_"))
	assert.Contains(t, body, "data-copy", "with a copy button")
	assert.Contains(t, body, "shown this once")

	ks, err := e.s.ListKeys(ctx, "")
	require.NoError(t, err)
	require.Len(t, ks, 1)
	k := ks[0]
	assert.Equal(t, []string{"pets"}, k.Projects)

	// The key works for its project only.
	resp, _ = e.do("GET", "/p/pets/pets", nil, "", "X-API-Key", secretKey)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = e.do("GET", "/p/shop/pets", nil, "", "X-API-Key", secretKey)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.NoError(t, e.s.FlushLog(ctx))

	// Never again: not in the list, not anywhere.
	_, body = e.get(DashboardPath + "/keys")
	assert.NotContains(t, body, secretKey)
	assert.Contains(t, body, k.Prefix)
	assert.Contains(t, body, `data-state="active"`)
	assert.Eventually(t, func() bool {
		_, body := e.get(DashboardPath + "/keys")
		return strings.Contains(body, `<td class="last-used">20`) && !strings.Contains(body, `<td class="last-used">never`)
	}, 5*time.Second, 20*time.Millisecond, "last used is shown once the key was used")

	// Scope, name, deactivation.
	resp, _ = e.post(DashboardPath+"/keys/"+k.ID, url.Values{"name": {"web"}, "projects": {"pets", "shop"}})
	assert.Contains(t, e.follow(resp), "Key web saved.")
	got, err := e.s.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, "web", got.Name)
	assert.ElementsMatch(t, []string{"pets", "shop"}, got.Projects)
	assert.False(t, got.DeactivatedAt.IsZero(), "the active box was left unchecked")
	resp, _ = e.post(DashboardPath+"/keys/"+k.ID, url.Values{"name": {"web"}, "active": {"on"}})
	e.follow(resp)
	got, err = e.s.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Projects, "none checked: every project")
	assert.True(t, got.DeactivatedAt.IsZero())

	resp, body = e.post(DashboardPath+"/keys/"+k.ID, url.Values{"name": {"web"}, "projects": {"nope"}, "active": {"on"}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "nope")
	resp, _ = e.post(DashboardPath+"/keys/"+k.ID, url.Values{"name": {"web"}, "expires_at": {"tomorrow"}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)

	// Rotate: a new secret, shown once; the old one stops.
	resp, body = e.post(DashboardPath+"/keys/"+k.ID+"/rotate", url.Values{"grace": {"0s"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	m = secretRe.FindStringSubmatch(body)
	require.NotNil(t, m)
	rotated := m[1]
	assert.NotEqual(t, secretKey, rotated)
	resp, _ = e.do("GET", "/p/pets/pets", nil, "", "X-API-Key", secretKey)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = e.do("GET", "/p/pets/pets", nil, "", "X-API-Key", rotated)
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// Revoke the new one.
	ks, err = e.s.ListKeys(ctx, "")
	require.NoError(t, err)
	require.Len(t, ks, 2)
	newest := ks[1]
	resp, _ = e.post(DashboardPath+"/keys/"+newest.ID+"/revoke", nil)
	body = e.follow(resp)
	assert.Contains(t, body, "revoked")
	assert.Contains(t, body, `id="key-`+newest.ID+`" data-key="`+newest.ID+`" data-state="revoked"`)
	resp, _ = e.do("GET", "/p/pets/pets", nil, "", "X-API-Key", rotated)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = e.post(DashboardPath+"/keys/nope/revoke", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	logged := e.log.String()
	for _, s := range []string{secretKey, rotated, adminToken} {
		assert.NotContains(t, logged, s, "no secret in the server log")
	}
}

func TestDashboardLinks(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	e.createProject("pets", petsSpec, store.Public)
	e.signIn()
	ctx := context.Background()

	_, body := e.get(DashboardPath + "/projects/pets/links")
	assert.Contains(t, body, "No share links yet.")
	resp, body := e.post(DashboardPath+"/projects/pets/links", url.Values{"name": {"partners"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	m := secretRe.FindStringSubmatch(body)
	require.NotNil(t, m)
	shareURL := m[1]
	assert.True(t, strings.HasPrefix(shareURL, e.url+"/s/msl_"), shareURL)
	resp, _ = e.get(strings.TrimPrefix(shareURL, e.url) + "/pets")
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	ls, err := e.s.ListLinks(ctx, "pets")
	require.NoError(t, err)
	require.Len(t, ls, 1)
	l := ls[0]
	_, body = e.get(DashboardPath + "/projects/pets/links")
	assert.NotContains(t, body, shareURL, "shown once")
	assert.Contains(t, body, "partners")

	// Require a key, set an expiry.
	resp, _ = e.post(DashboardPath+"/links/"+l.ID, url.Values{"name": {"partners"}, "require_token": {"on"}, "enabled": {"on"},
		"expires_at": {"2999-01-02T03:04"}})
	assert.Contains(t, e.follow(resp), "Link saved.")
	got, err := e.s.st.Links().Get(ctx, l.ID)
	require.NoError(t, err)
	assert.True(t, got.TokenRequired)
	assert.Equal(t, "2999-01-02T03:04:00Z", got.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"))
	resp, _ = e.get(strings.TrimPrefix(shareURL, e.url) + "/pets")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, body = e.post(DashboardPath+"/links/"+l.ID, url.Values{"name": {"partners"}, "expires_at": {"2000-01-01T00:00"}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "an expiry in the past")
	assert.Contains(t, body, "expires_at")

	// Regenerate: a new URL, the old one stops.
	resp, body = e.post(DashboardPath+"/links/"+l.ID+"/regenerate", nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	m = secretRe.FindStringSubmatch(body)
	require.NotNil(t, m)
	assert.NotEqual(t, shareURL, m[1])
	resp, _ = e.get(strings.TrimPrefix(shareURL, e.url) + "/pets")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	// Revoke.
	resp, _ = e.post(DashboardPath+"/links/"+l.ID+"/revoke", nil)
	body = e.follow(resp)
	assert.Contains(t, body, "Link revoked.")
	assert.Contains(t, body, `data-state="revoked"`)
	resp, _ = e.post(DashboardPath+"/links/nope/revoke", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.NotContains(t, e.log.String(), "msl_", "no share token in the server log")
}

func TestDashboardLogsAndAnalytics(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	e.createProject("pets", petsSpec, store.Private)
	ctx := context.Background()
	secretKey, k, err := e.s.CreateKey(ctx, NewKey{Name: "frontend"})
	require.NoError(t, err)
	for range 3 {
		resp, _ := e.do("GET", "/p/pets/pets", nil, "", "X-API-Key", secretKey)
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	resp, _ := e.do("GET", "/p/pets/pets/1", nil, "", "X-API-Key", secretKey, "Prefer", "code=404")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = e.get("/p/pets/pets") // no key
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	e.signIn()

	rows := regexp.MustCompile(`<tr data-status="(\d+)" data-operation="(\w*)">`)
	for _, tc := range []struct {
		name  string
		query string
		want  []string // status/operation of each row, newest first
	}{
		{"all", "", []string{"401/listPets", "404/getPet", "200/listPets", "200/listPets", "200/listPets"}},
		{"empty filters", "?status=&operation_id=&key_id=&link_id=", []string{"401/listPets", "404/getPet", "200/listPets", "200/listPets", "200/listPets"}},
		{"4xx", "?status=4xx", []string{"401/listPets", "404/getPet"}},
		{"an operation", "?operation_id=getPet", []string{"404/getPet"}},
		{"a key", "?key_id=" + k.ID, []string{"404/getPet", "200/listPets", "200/listPets", "200/listPets"}},
		{"a key and a class", "?key_id=" + k.ID + "&status=2xx", []string{"200/listPets", "200/listPets", "200/listPets"}},
		{"a link", "?link_id=nope", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.get(DashboardPath + "/projects/pets/logs" + tc.query)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			var got []string
			for _, m := range rows.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1]+"/"+m[2])
			}
			assert.Equal(t, tc.want, got)
		})
	}
	_, body := e.get(DashboardPath + "/projects/pets/logs")
	assert.Contains(t, body, "frontend", "the key is named")
	assert.NotContains(t, body, secretKey)
	assert.Contains(t, body, `<label for="f-status">`)
	resp, body = e.get(DashboardPath + "/projects/pets/logs?status=6xx")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "6xx")

	// Paging: 50 a page, then older.
	for range 50 {
		resp, _ := e.do("GET", "/p/pets/pets", nil, "", "X-API-Key", secretKey)
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	_, body = e.get(DashboardPath + "/projects/pets/logs")
	assert.Len(t, rows.FindAllString(body, -1), dashLogPage)
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
	require.NotNil(t, next)
	_, body = e.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	assert.Len(t, rows.FindAllString(body, -1), 5)
	assert.Contains(t, body, ">Newest</a>")
	assert.NotContains(t, body, `rel="next"`)

	// Analytics: three charts, and their numbers as JSON, the same as the
	// management API's.
	resp, body = e.get(DashboardPath + "/projects/pets/analytics?period=7d")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 3, strings.Count(body, "<svg "), "three charts")
	assert.Contains(t, body, `<strong data-total>55</strong>`)
	assert.Contains(t, body, `data-label="GET /pets" data-value="54"`)
	assert.Contains(t, body, `data-label="GET /pets/{petId}" data-value="1"`)
	assert.Contains(t, body, `data-label="2xx" data-value="53"`)
	assert.Contains(t, body, `data-label="4xx" data-value="2"`)
	assert.Regexp(t, `<title>GET /pets: 54 · avg \d+\.\d ms</title>`, body)
	assert.Contains(t, body, `role="img" aria-labelledby="chart-by-day-title chart-by-day-desc"`)

	resp, ui := e.get(DashboardPath + "/projects/pets/analytics.json?period=7d")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	resp, api := e.do("GET", "/_admin/projects/pets/analytics?period=7d", nil, "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var a, b map[string]any
	require.NoError(t, json.Unmarshal([]byte(ui), &a))
	require.NoError(t, json.Unmarshal([]byte(api), &b))
	assert.Equal(t, b, a, "the dashboard's JSON is the management API's")
	assert.EqualValues(t, 55, a["total_requests"])

	// Every project's.
	resp, body = e.get(DashboardPath + "/analytics?period=24h")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `data-label="pets: GET /pets" data-value="54"`)
	// A year has a bar for each day with requests only.
	_, body = e.get(DashboardPath + "/projects/pets/analytics?period=365d")
	assert.Equal(t, 1, strings.Count(body, `<g class="bar " data-label="20`), "one day with requests")
	_, body = e.get(DashboardPath + "/projects/pets/analytics?period=30d")
	assert.Equal(t, 31, strings.Count(body, `<g class="bar " data-label="`)-2, "every day of a month (and two top endpoints)")
	resp, _ = e.get(DashboardPath + "/analytics?period=soon")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, _ = e.get(DashboardPath + "/projects/nope/analytics")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestDashboardOff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts func(*Options)
		want int
	}{
		{"no dashboard: the Bearer check answers", func(o *Options) { o.NoDashboard = true }, http.StatusUnauthorized},
		{"no admin token: no management API", func(o *Options) { o.AdminToken = "" }, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newDashEnv(t, tc.opts)
			assert.Nil(t, e.s.dash)
			for _, path := range []string{DashboardPath + "/", DashboardPath + "/login", DashboardPath + "/static/app.css"} {
				resp, body := e.get(path)
				assert.Equal(t, tc.want, resp.StatusCode, path)
				assert.Contains(t, resp.Header.Get("Content-Type"), "application/problem+json", body)
			}
		})
	}
}

func TestDashboardStaticAndBaseURL(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t, func(o *Options) { o.BaseURL = "https://mock.example.com/team" })
	for _, path := range []string{"/static/app.css", "/static/app.js"} {
		resp, body := e.get(DashboardPath + path)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Equal(t, dashboard.CSP, resp.Header.Get("Content-Security-Policy"))
		assert.NotEmpty(t, body)
	}
	// Behind a proxy that mounts the Server at /team, links and cookies
	// name the path the browser sees, and cookies need HTTPS.
	resp, body := e.get(DashboardPath + "/login")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `action="/team/_admin/ui/login"`)
	assert.Contains(t, body, `href="/team/_admin/ui/static/app.css"`)
	ck := cookieNamed(resp, loginCookie)
	require.NotNil(t, ck)
	assert.Equal(t, "/team/_admin/ui/", ck.Path)
	assert.True(t, ck.Secure)
	resp, _ = e.get(DashboardPath + "/")
	assert.Equal(t, "/team/_admin/ui/login", resp.Header.Get("Location"))
}

// Over TLS the cookies are Secure even without a BaseURL.
func TestDashboardCookiesOverTLS(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	for _, tc := range []struct {
		target string
		secure bool
	}{
		{"https://mock.example.com" + DashboardPath + "/login", true},
		{"http://mock.example.com" + DashboardPath + "/login", false},
	} {
		rec := httptest.NewRecorder()
		e.s.ServeHTTP(rec, httptest.NewRequest("GET", tc.target, nil))
		require.Equal(t, http.StatusOK, rec.Code)
		ck := cookieNamed(&http.Response{Header: rec.Header()}, loginCookie)
		require.NotNil(t, ck)
		assert.Equal(t, tc.secure, ck.Secure, tc.target)
		assert.True(t, ck.HttpOnly)
		assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
	}
}
