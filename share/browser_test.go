package share_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/share"
)

// chromium finds a Chromium to drive. Without one the test skips, except in
// CI (CI set), where .ci/run installs Debian's chromium and the test must run.
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

// TestBrowserPage loads the shared project page in headless Chromium at a
// phone's size, checks that every exposed operation is shown and that
// nothing overflows the screen sideways, and saves a screenshot for people
// to look at (MOCKAPI_SCREENSHOT_DIR keeps a copy after the test).
func TestBrowserPage(t *testing.T) {
	t.Parallel()
	exe := chromium(t)
	e := newEnv(t, envOptions{})
	token, _ := e.link(share.LinkOptions{TokenRequired: true, Name: "browser"})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(412, 915), chromedp.UserDataDir(t.TempDir()))
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	defer cancelBrowser()

	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(412, 915, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(e.srv.URL+"/s/"+token+"/"),
		chromedp.WaitVisible(chromedp.CSS("section.op")),
	)
	require.NoError(t, err)
	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	ops, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("section.op")).map(s => s.dataset.operation + " " + s.querySelector("h2").innerText.replace(/\s+/g, " ").trim())`))
	require.NoError(t, err)
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	require.NoError(t, err)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)

	shot := filepath.Join(t.TempDir(), "share-page.png")
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot of the shared project page: %s", shot)
	if dir := os.Getenv("MOCKAPI_SCREENSHOT_DIR"); dir != "" {
		keep := filepath.Join(dir, "share-page.png")
		require.NoError(t, os.WriteFile(keep, png, 0o644))
		t.Logf("screenshot kept at %s", keep)
	}

	require.Contains(t, title, "Pets for partners")
	require.Equal(t, []string{
		"health GET /health",
		"listPets GET /v1/pets",
		"createPet POST /v1/pets",
		"getPet GET /v1/pets/{petId}",
	}, ops)
	require.LessOrEqual(t, overflow, 0, "the page must not scroll sideways on a phone")
}
