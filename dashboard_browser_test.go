package mockapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// chromium finds a Chromium to drive. Without one the test skips, except in
// CI (CI set), where .ci/run installs Debian's chromium and the test must
// run (as share's browser test does).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no chromium is installed: .ci/run installs Debian's chromium; the browser test must run in CI")
	}
	t.Skip("skipping the browser test: no chromium found (apt-get install -y chromium); it always runs in CI")
	return ""
}

// saveScreenshot writes a screenshot to the test's temporary directory,
// and keeps a copy in MOCKAPI_SCREENSHOT_DIR when it is set.
func saveScreenshot(t *testing.T, dir, name string, png []byte) {
	t.Helper()
	shot := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot: %s", shot)
	if keep := os.Getenv("MOCKAPI_SCREENSHOT_DIR"); keep != "" {
		require.NoError(t, os.WriteFile(filepath.Join(keep, name), png, 0o644))
	}
}

// TestDashboardBrowser drives the dashboard in headless Chromium as a
// person would: sign in, create a project from a pasted spec, create a
// key and copy it with the copy button, call the mock with it, find the
// call in the logs (and the next one, following the log live) and in the
// charts, revoke the key and see the next call refused. It saves screenshots at desktop and phone sizes.
func TestDashboardBrowser(t *testing.T) {
	exe := chromium(t)
	st := memory.New(store.WithTouchInterval(20 * time.Millisecond))
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, AdminToken: adminToken, MockOptions: []mock.Option{mock.WithSeed(1)}})
	require.NoError(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		require.NoError(t, s.Close())
	})
	shots := t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900), chromedp.UserDataDir(t.TempDir()))
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	defer cancelBrowser()
	ui := ts.URL + DashboardPath

	// Sign in: the dashboard sends a browser without a session there.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(ui+"/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), adminToken+"\r"), // Enter signs in: no mouse needed
		chromedp.WaitVisible(chromedp.ID("new-spec")),
	))
	assertLabelled(t, ctx, "projects")

	// Create a project from a pasted spec.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("new-id"), "shop"),
		chromedp.SetValue(chromedp.ID("new-spec"), petsSpec),
		chromedp.SetValue(chromedp.ID("new-visibility"), "private"),
		chromedp.Submit(chromedp.ID("new-spec")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	))
	flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p.flash")))
	require.NoError(t, err)
	require.Contains(t, flash, "Project shop created.")
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	saveScreenshot(t, shots, "dashboard-project-desktop.png", png)
	assertLabelled(t, ctx, "project")

	// Create a key scoped to it, and copy it with the copy button. The
	// page may read the clipboard back only with the permission.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: "clipboard-read"}, Setting: browser.PermissionSettingGranted, Origin: ts.URL})
			return err
		}),
		chromedp.Navigate(ui+"/keys"),
		chromedp.WaitVisible(chromedp.ID("key-name")),
		chromedp.SendKeys(chromedp.ID("key-name"), "browser"),
		chromedp.Click(chromedp.ID("newscope-shop")),
		chromedp.Submit(chromedp.ID("key-name")),
		chromedp.WaitVisible(chromedp.ID("secret-value")),
		chromedp.WaitVisible(chromedp.CSS("button.copy")),
		chromedp.Click(chromedp.CSS("button.copy")),
	))
	copied, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => { const b = document.querySelector("button.copy"); return b.textContent !== "Copy" && b.textContent; })()`,
		chromedp.WithPollingTimeout(5*time.Second)))
	require.NoError(t, err)
	assert.Equal(t, "Copied", copied)
	shown, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("secret-value")))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(shown, "mk_"), shown)
	secretKey, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, shown, secretKey, "the copy button put the key on the clipboard")
	assertLabelled(t, ctx, "keys")
	png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	saveScreenshot(t, shots, "dashboard-keys-desktop.png", png)

	// Call the mock with the copied key.
	call := func() int {
		req, err := http.NewRequest("GET", ts.URL+"/p/shop/pets", nil)
		require.NoError(t, err)
		req.Header.Set("X-API-Key", secretKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, call())

	// The call is in the logs...
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(ui+"/projects/shop/logs"),
		chromedp.WaitVisible(chromedp.CSS("table.logs")),
	))
	logged, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("table.logs tbody tr")).map(r => r.dataset.status + " " + r.dataset.operation + " " + r.cells[4].innerText.trim())`))
	require.NoError(t, err)
	assert.Equal(t, []string{"200 listPets browser"}, logged)
	assertLabelled(t, ctx, "logs")

	// Following the log shows the next call without a reload.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("follow"))))
	require.Equal(t, http.StatusOK, call())
	rows, err := chromedp.Run(ctx, chromedp.Poll[int](`(() => { const n = document.querySelectorAll("table.logs tbody tr").length; return n > 1 && n; })()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err)
	assert.Equal(t, 2, rows, "the new call appeared")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("follow"))))

	// ...and in the charts, at desktop and phone sizes.
	sizes := []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 412, 915, true}}
	for _, size := range sizes {
		viewport := chromedp.EmulateViewport(size.width, size.height)
		if size.mobile {
			viewport = chromedp.EmulateViewport(size.width, size.height, chromedp.EmulateScale(2), chromedp.EmulateMobile)
		}
		require.NoError(t, chromedp.Do(ctx,
			viewport,
			chromedp.Navigate(ui+"/projects/shop/analytics"),
			chromedp.WaitVisible(chromedp.CSS("#chart-top svg")),
		))
		bars, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#chart-top g.bar, #chart-status g.bar")).map(g => g.dataset.label + "=" + g.dataset.value)`))
		require.NoError(t, err)
		assert.Equal(t, []string{"GET /pets=2", "2xx=2"}, bars, size.name)
		day, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`Array.from(document.querySelectorAll("#chart-by-day g.bar")).map(g => +g.dataset.value).reduce((a, b) => a + b, 0)`))
		require.NoError(t, err)
		assert.Equal(t, 2.0, day, "requests by day add up to the calls")
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
		require.NoError(t, err)
		assert.LessOrEqual(t, overflow, 0, "%s: the page does not scroll sideways", size.name)
		assertLabelled(t, ctx, "analytics")
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		saveScreenshot(t, shots, "dashboard-analytics-"+size.name+".png", png)
	}

	// Revoke the key (on the phone), and the next call is refused.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(ui+"/keys"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-state="active"] button.danger`)),
	))
	png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	saveScreenshot(t, shots, "dashboard-keys-phone.png", png)
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	require.NoError(t, err)
	assert.LessOrEqual(t, overflow, 0, "the keys page does not scroll sideways on a phone")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`tr[data-state="active"] button.danger`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-state="revoked"]`)),
	))
	flash, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p.flash")))
	require.NoError(t, err)
	assert.Contains(t, flash, "revoked")
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	require.NoError(t, err)
	assert.NotContains(t, html, secretKey, "the key is never shown again")
	assert.Equal(t, http.StatusUnauthorized, call())
}

// assertLabelled fails t for each visible form control of the page without
// a label (a <label for>, an enclosing label or an aria-label), and checks
// that every control can be reached with the keyboard (no negative
// tabindex).
func assertLabelled(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea, button"))
		.filter(el => (el.tagName === "BUTTON" ? !(el.textContent.trim() || el.getAttribute("aria-label")) : !(el.labels.length || el.getAttribute("aria-label"))) || el.tabIndex < 0)
		.map(el => el.outerHTML.slice(0, 120))`))
	require.NoError(t, err)
	assert.Empty(t, bad, "%s: every control has a label and takes the focus", page)
}
