package mockapi

// The dashboard is the management API as HTML pages for people: the same
// Go API (projects.go, keys.go, links.go) behind forms, signed in with the
// admin token. The pieces that need no Server (sessions, CSRF, templates,
// charts) are in internal/dashboard.

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/internal/dashboard"
	"github.com/mockapi-go/mockapi/internal/ratelog"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/store"
)

// DashboardPath is where the dashboard is served, below the management API:
// DashboardPath+"/" is its projects page and DashboardPath+"/login" where
// people sign in with the admin token.
const DashboardPath = "/_admin/ui"

const (
	sessionCookie = "mockapi_session"
	loginCookie   = "mockapi_login"
	// maxLoginBody bounds the sign-in form, the one form anyone may post.
	maxLoginBody = 8 << 10
)

// dash serves the dashboard.
type dash struct {
	s        *Server
	tpl      *dashboard.Templates
	sessions *dashboard.Sessions
	root     string // where the browser sees DashboardPath: Options.BaseURL's path + DashboardPath
	secure   bool   // cookies only over HTTPS (BaseURL is https)
	mux      *http.ServeMux

	// refused says, once per burst, that sign-ins with a wrong token
	// arrive (never what was typed).
	refused ratelog.Limiter[string]
}

func newDash(s *Server) (*dash, error) {
	tpl, err := dashboard.ParseTemplates()
	if err != nil {
		return nil, err
	}
	d := &dash{s: s, tpl: tpl, sessions: dashboard.NewSessions(s.o.DashboardSessionTTL), root: DashboardPath}
	if s.o.BaseURL != "" {
		if u, err := url.Parse(s.o.BaseURL); err == nil {
			d.root = u.Path + DashboardPath
			d.secure = u.Scheme == "https"
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+DashboardPath+"/static/", http.StripPrefix(DashboardPath+"/static", dashboard.Static()))
	mux.HandleFunc("GET "+DashboardPath+"/login", d.loginPage)
	mux.HandleFunc("POST "+DashboardPath+"/login", d.login)
	mux.HandleFunc("POST "+DashboardPath+"/logout", d.authed(d.logout))
	mux.HandleFunc("GET "+DashboardPath+"/{$}", d.authed(d.projects))
	mux.HandleFunc("POST "+DashboardPath+"/projects", d.authed(d.createProject))
	mux.HandleFunc("GET "+DashboardPath+"/projects/{id}", d.authed(d.mayProject(false, d.project)))
	mux.HandleFunc("POST "+DashboardPath+"/projects/{id}/settings", d.authed(d.mayProject(false, d.saveSettings)))
	mux.HandleFunc("POST "+DashboardPath+"/projects/{id}/spec", d.authed(d.mayProject(false, d.replaceSpec)))
	mux.HandleFunc("POST "+DashboardPath+"/projects/{id}/reset", d.authed(d.mayProject(false, d.resetProject)))
	mux.HandleFunc("POST "+DashboardPath+"/projects/{id}/reload", d.authed(d.mayProject(false, d.reloadProject)))
	mux.HandleFunc("GET "+DashboardPath+"/projects/{id}/delete", d.authed(d.mayProject(true, d.deletePage)))
	mux.HandleFunc("POST "+DashboardPath+"/projects/{id}/delete", d.authed(d.mayProject(true, d.deleteProject)))
	mux.HandleFunc("GET "+DashboardPath+"/projects/{id}/links", d.authed(d.mayProject(false, d.links)))
	mux.HandleFunc("POST "+DashboardPath+"/projects/{id}/links", d.authed(d.mayProject(false, d.createLink)))
	mux.HandleFunc("GET "+DashboardPath+"/projects/{id}/logs", d.authed(d.mayProject(false, d.logs)))
	mux.HandleFunc("GET "+DashboardPath+"/projects/{id}/analytics", d.authed(d.mayProject(false, d.analytics)))
	mux.HandleFunc("GET "+DashboardPath+"/projects/{id}/analytics.json", d.authed(d.mayProject(false, d.analyticsJSON)))
	mux.HandleFunc("GET "+DashboardPath+"/analytics", d.authed(d.operatorOnly(d.analytics)))
	mux.HandleFunc("GET "+DashboardPath+"/analytics.json", d.authed(d.operatorOnly(d.analyticsJSON)))
	mux.HandleFunc("GET "+DashboardPath+"/keys", d.authed(d.keys))
	mux.HandleFunc("POST "+DashboardPath+"/keys", d.authed(d.createKey))
	mux.HandleFunc("POST "+DashboardPath+"/keys/{id}", d.authed(d.ownKey(d.updateKey)))
	mux.HandleFunc("POST "+DashboardPath+"/keys/{id}/rotate", d.authed(d.ownKey(d.rotateKey)))
	mux.HandleFunc("POST "+DashboardPath+"/keys/{id}/revoke", d.authed(d.ownKey(d.revokeKey)))
	mux.HandleFunc("POST "+DashboardPath+"/links/{id}", d.authed(d.linkOfMine(d.updateLink)))
	mux.HandleFunc("POST "+DashboardPath+"/links/{id}/regenerate", d.authed(d.linkOfMine(d.regenerateLink)))
	mux.HandleFunc("POST "+DashboardPath+"/links/{id}/revoke", d.authed(d.linkOfMine(d.revokeLink)))
	mux.HandleFunc(DashboardPath+"/", d.authed(func(w http.ResponseWriter, r *http.Request, c *dreq) {
		d.fail(w, r, c, http.StatusNotFound, "There is no such page.")
	}))
	d.mux = mux
	return d, nil
}

func (d *dash) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == DashboardPath {
		http.Redirect(w, r, d.root+"/", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAdminBody)
	d.mux.ServeHTTP(w, r)
}

// dreq is a signed-in request.
type dreq struct {
	id   string // the session id, from the cookie
	sess dashboard.Session
	user string // the signed-in user; "" for the operator
}

// authed lets a request with a live session through to h, with its form
// parsed and, for a POST, its CSRF token checked. Without a session a page
// redirects to the sign-in page.
func (d *dash) authed(h func(http.ResponseWriter, *http.Request, *dreq)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(sessionCookie)
		var c *dreq
		if err == nil {
			if sess, ok := d.sessions.Get(ck.Value); ok {
				c = &dreq{id: ck.Value, sess: sess, user: sess.UserID}
			}
		}
		if c != nil && c.user != "" && !d.userTokenLive(r, c.sess) {
			// The user was deleted or the token revoked: the session
			// ends with it, on this request.
			d.sessions.Delete(c.id)
			c = nil
		}
		if c == nil {
			if err == nil {
				d.clearCookie(w, r, sessionCookie) // expired or signed out
			}
			dashboard.SetHeaders(w.Header())
			http.Redirect(w, r, d.root+"/login", http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			if err := parseForm(r); err != nil {
				d.fail(w, r, c, formStatus(err), "The form could not be read: "+err.Error())
				return
			}
			if err := dashboard.CheckCSRF(r, c.sess.CSRF); err != nil {
				d.fail(w, r, c, http.StatusForbidden, err.Error())
				return
			}
		}
		h(w, r, c)
	}
}

// parseForm reads a form, multipart (a spec upload) or not.
func parseForm(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(maxAdminBody)
	}
	return r.ParseForm()
}

func formStatus(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// render writes a signed-in page.
func (d *dash) render(w http.ResponseWriter, r *http.Request, c *dreq, status int, name, title, section, errMsg string, data any) {
	p := dashboard.Page{Root: d.root, Title: title, Section: section, Error: errMsg, Data: data}
	if c != nil {
		p.CSRF = c.sess.CSRF
		p.Flash = d.sessions.TakeFlash(c.id)
		p.User = c.user
	}
	if err := d.tpl.Render(w, status, name, p); err != nil {
		d.s.logger.Error("mockapi: dashboard: rendering a page failed", "page", name, "err", err)
	}
}

// fail answers a page that says what went wrong.
func (d *dash) fail(w http.ResponseWriter, r *http.Request, c *dreq, status int, msg string) {
	section := "projects"
	if c == nil {
		section = ""
	}
	d.render(w, r, c, status, "error", http.StatusText(status), section, msg, nil)
}

// failErr answers an error of the Go API as a page: what the management
// API answers as 404, 409 or 422 is said; a store failure is logged, and
// the page says only that it failed.
func (d *dash) failErr(w http.ResponseWriter, r *http.Request, c *dreq, what string, err error) {
	status, msg := d.s.dashError(what, err)
	d.fail(w, r, c, status, msg)
}

// done keeps a notice for the next page and redirects there (POST, then
// redirect, then GET: reloading the page does not post the form again).
func (d *dash) done(w http.ResponseWriter, r *http.Request, c *dreq, to, notice string) {
	if notice != "" {
		d.sessions.AddFlash(c.id, notice)
	}
	dashboard.SetHeaders(w.Header())
	http.Redirect(w, r, d.root+to, http.StatusSeeOther)
}

// setCookie sets one of the dashboard's cookies: HttpOnly, SameSite=Strict,
// for the dashboard's path only, and Secure when the dashboard is reached
// over HTTPS (Options.BaseURL says so, or the request came over TLS).
func (d *dash) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: d.root + "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: d.secure || r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

func (d *dash) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	d.setCookie(w, r, name, "", -time.Second)
}

// loginPage shows the sign-in form, with a fresh CSRF token bound to a
// short-lived cookie (there is no session yet to hold it).
func (d *dash) loginPage(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		if _, ok := d.sessions.Get(ck.Value); ok {
			dashboard.SetHeaders(w.Header())
			http.Redirect(w, r, d.root+"/", http.StatusSeeOther)
			return
		}
	}
	d.renderLogin(w, r, http.StatusOK, "")
}

func (d *dash) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	token := dashboard.NewToken()
	d.setCookie(w, r, loginCookie, token, time.Hour)
	if err := d.tpl.Render(w, status, "login", dashboard.Page{Root: d.root, Title: "Sign in", CSRF: token, Error: msg}); err != nil {
		d.s.logger.Error("mockapi: dashboard: rendering a page failed", "page", "login", "err", err)
	}
}

// login checks the admin token (in constant time) and starts a session.
// The token is never logged, and travels only in the form's body.
func (d *dash) login(w http.ResponseWriter, r *http.Request) {
	// Anyone may post here: read no more than a sign-in needs.
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginBody)
	if err := r.ParseForm(); err != nil {
		d.renderLogin(w, r, formStatus(err), "The form could not be read.")
		return
	}
	ck, err := r.Cookie(loginCookie)
	if err != nil || dashboard.CheckCSRF(r, ck.Value) != nil {
		d.renderLogin(w, r, http.StatusForbidden, dashboard.ErrCSRF.Error())
		return
	}
	token := strings.TrimSpace(r.PostForm.Get("token"))
	user, tokenID := "", ""
	if !secret.Equal(token, d.s.o.AdminToken) {
		var ok bool
		if user, tokenID, ok = d.userToken(r, token); !ok {
			if ok, held := d.refused.Allow("", time.Now()); ok {
				d.s.logger.Warn("mockapi: dashboard: a sign-in with a wrong token was refused",
					"client", d.s.addrs.of(r), "suppressed", held)
			}
			d.renderLogin(w, r, http.StatusUnauthorized, "That is neither the admin token nor a user token.")
			return
		}
	}
	id, _ := d.sessions.CreateFor(user, tokenID)
	d.clearCookie(w, r, loginCookie)
	d.setCookie(w, r, sessionCookie, id, d.sessions.TTL())
	dashboard.SetHeaders(w.Header())
	http.Redirect(w, r, d.root+"/", http.StatusSeeOther)
}

// logout ends the session on the server, not only in the browser.
func (d *dash) logout(w http.ResponseWriter, r *http.Request, c *dreq) {
	d.sessions.Delete(c.id)
	d.clearCookie(w, r, sessionCookie)
	dashboard.SetHeaders(w.Header())
	http.Redirect(w, r, d.root+"/login", http.StatusSeeOther)
}

// dashError is the status and sentence a page shows for an error of the
// Go API, as apiError maps them for the management API.
func (s *Server) dashError(what string, err error) (int, string) {
	var ve *ValidationError
	var pe *ProjectError
	switch {
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity, ve.Error()
	case errors.As(err, &pe):
		return http.StatusInternalServerError, pe.Error()
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, what + " not found"
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, what + ": " + err.Error()
	case errors.Is(err, store.ErrInvalid):
		return http.StatusUnprocessableEntity, err.Error()
	default:
		s.logger.Warn("mockapi: dashboard: store failed", "what", what, "err", err)
		return http.StatusServiceUnavailable, "The store failed; try again."
	}
}
