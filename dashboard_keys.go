package mockapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
)

// shownSecret is a key or share URL on the one page that shows it: the
// answer to the form that made it. It is never put in a URL, a flash
// notice or a log.
type shownSecret struct {
	Label, Name, Value string
}

type keysData struct {
	Keys     []keyDoc
	Projects []string
	Secret   *shownSecret
}

// formTime reads a datetime-local field as UTC; empty is the zero time.
func formTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// formProjects reads the checked projects of a scope; none is every
// project.
func formProjects(r *http.Request) []string {
	var out []string
	for _, p := range r.PostForm["projects"] {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (d *dash) keys(w http.ResponseWriter, r *http.Request, c *dreq) {
	d.renderKeys(w, r, c, http.StatusOK, "", nil)
}

func (d *dash) renderKeys(w http.ResponseWriter, r *http.Request, c *dreq, status int, errMsg string, shown *shownSecret) {
	ctx := r.Context()
	ks, err := d.s.ListKeys(ctx, c.user) // a user sees its own keys
	if err != nil {
		d.failErr(w, r, c, "keys", err)
		return
	}
	ps, err := d.visibleProjects(r, c)
	if err != nil {
		d.failErr(w, r, c, "projects", err)
		return
	}
	data := keysData{Secret: shown}
	for _, k := range slices.Backward(ks) { // newest first
		data.Keys = append(data.Keys, d.s.newKeyDoc(k, ""))
	}
	for _, p := range ps {
		data.Projects = append(data.Projects, p.ID)
	}
	d.render(w, r, c, status, "keys", "API keys", "keys", errMsg, data)
}

func (d *dash) createKey(w http.ResponseWriter, r *http.Request, c *dreq) {
	expires, ok := formTime(r.PostFormValue("expires_at"))
	if !ok {
		d.renderKeys(w, r, c, http.StatusUnprocessableEntity, "expires_at: not a date and time", nil)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	if msg, ok := d.userScope(r, c, formProjects(r)); !ok {
		d.renderKeys(w, r, c, http.StatusUnprocessableEntity, msg, nil)
		return
	}
	secretKey, k, err := d.s.CreateKey(r.Context(), NewKey{Name: name, Projects: formProjects(r), ExpiresAt: expires, Owner: c.user})
	if err != nil {
		d.keyError(w, r, c, err)
		return
	}
	// The secret goes into this answer and nowhere else: not a redirect's
	// URL, not the session, not the log.
	d.renderKeys(w, r, c, http.StatusCreated, "", &shownSecret{Label: "Key " + k.Name + " created.", Name: "API key " + k.Name, Value: secretKey})
}

func (d *dash) keyError(w http.ResponseWriter, r *http.Request, c *dreq, err error) {
	status, msg := d.s.dashError("key", err)
	if status == http.StatusServiceUnavailable {
		d.fail(w, r, c, status, msg)
		return
	}
	d.renderKeys(w, r, c, status, msg, nil)
}

func (d *dash) updateKey(w http.ResponseWriter, r *http.Request, c *dreq) {
	expires, ok := formTime(r.PostFormValue("expires_at"))
	if !ok {
		d.renderKeys(w, r, c, http.StatusUnprocessableEntity, "expires_at: not a date and time", nil)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	projects := formProjects(r)
	if projects == nil {
		projects = []string{}
	}
	active := r.PostFormValue("active") == "on"
	if msg, ok := d.userScope(r, c, projects); !ok {
		d.renderKeys(w, r, c, http.StatusUnprocessableEntity, msg, nil)
		return
	}
	u := KeyUpdate{Name: &name, Projects: &projects, Active: &active}
	k, err := d.s.GetKey(r.Context(), r.PathValue("id"))
	if err != nil {
		d.keyError(w, r, c, err)
		return
	}
	if !expires.Equal(k.ExpiresAt) {
		u.ExpiresAt = &expires // unchanged, an expiry now past is not refused
	}
	if _, err := d.s.UpdateKey(r.Context(), k.ID, u); err != nil {
		d.keyError(w, r, c, err)
		return
	}
	d.done(w, r, c, "/keys", "Key "+name+" saved.")
}

func (d *dash) rotateKey(w http.ResponseWriter, r *http.Request, c *dreq) {
	grace, err := time.ParseDuration(r.PostFormValue("grace"))
	if err != nil {
		d.renderKeys(w, r, c, http.StatusUnprocessableEntity, "grace: not a duration", nil)
		return
	}
	secretKey, k, err := d.s.RotateKey(r.Context(), r.PathValue("id"), grace)
	if err != nil {
		d.keyError(w, r, c, err)
		return
	}
	label := "Key " + k.Name + " rotated: the old key is revoked."
	if grace > 0 {
		label = "Key " + k.Name + " rotated: the old key works for " + grace.String() + " more."
	}
	d.renderKeys(w, r, c, http.StatusCreated, "", &shownSecret{Label: label, Name: "New API key " + k.Name, Value: secretKey})
}

func (d *dash) revokeKey(w http.ResponseWriter, r *http.Request, c *dreq) {
	id := r.PathValue("id")
	k, err := d.s.GetKey(r.Context(), id)
	if err == nil {
		err = d.s.RevokeKey(r.Context(), id)
	}
	if err != nil {
		d.keyError(w, r, c, err)
		return
	}
	d.done(w, r, c, "/keys", "Key "+k.Name+" revoked: it is refused from its next request.")
}

type linksData struct {
	Project    string
	SharingOff bool
	Links      []linkDoc
	Secret     *shownSecret
}

func (d *dash) links(w http.ResponseWriter, r *http.Request, c *dreq) {
	d.renderLinks(w, r, c, r.PathValue("id"), http.StatusOK, "", nil)
}

func (d *dash) renderLinks(w http.ResponseWriter, r *http.Request, c *dreq, project string, status int, errMsg string, shown *shownSecret) {
	ctx := r.Context()
	p, err := d.s.Project(ctx, project)
	if err != nil {
		d.failErr(w, r, c, "project", err)
		return
	}
	ls, err := d.s.ListLinks(ctx, project)
	if err != nil {
		d.failErr(w, r, c, "project", err)
		return
	}
	data := linksData{Project: project, SharingOff: p.Settings.SharingOff, Secret: shown}
	for _, l := range slices.Backward(ls) {
		data.Links = append(data.Links, d.s.newLinkDoc(l, ""))
	}
	d.render(w, r, c, status, "links", "Share links of "+p.Name, "projects", errMsg, data)
}

// shareURL is a link's URL to copy: absolute, under Options.BaseURL or
// else the host the dashboard was reached at.
func (d *dash) shareURL(r *http.Request, token string) string {
	return d.absURL(r, d.s.ShareURL(token))
}

// absURL makes a URL the Server returns (absolute under Options.BaseURL,
// else a path) absolute, for people to copy.
func (d *dash) absURL(r *http.Request, u string) string {
	if d.s.o.BaseURL != "" {
		return u
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + u
}

func (d *dash) createLink(w http.ResponseWriter, r *http.Request, c *dreq) {
	project := r.PathValue("id")
	expires, ok := formTime(r.PostFormValue("expires_at"))
	if !ok {
		d.renderLinks(w, r, c, project, http.StatusUnprocessableEntity, "expires_at: not a date and time", nil)
		return
	}
	token, l, err := d.s.CreateLink(r.Context(), project, share.LinkOptions{Name: strings.TrimSpace(r.PostFormValue("name")),
		TokenRequired: r.PostFormValue("require_token") == "on", ExpiresAt: expires})
	if err != nil {
		d.linkError(w, r, c, project, err)
		return
	}
	d.renderLinks(w, r, c, project, http.StatusCreated, "", &shownSecret{Label: "Share link " + l.Prefix + "… created.", Name: "Share URL", Value: d.shareURL(r, token)})
}

func (d *dash) linkError(w http.ResponseWriter, r *http.Request, c *dreq, project string, err error) {
	status, msg := d.s.dashError("link", err)
	if status == http.StatusServiceUnavailable || project == "" {
		d.fail(w, r, c, status, msg)
		return
	}
	d.renderLinks(w, r, c, project, status, msg, nil)
}

// link is a link as the store has it: its project is the page to come
// back to.
func (d *dash) link(r *http.Request, id string) (*store.Link, error) {
	return d.s.st.Links().Get(r.Context(), id)
}

func (d *dash) updateLink(w http.ResponseWriter, r *http.Request, c *dreq) {
	id := r.PathValue("id")
	l, err := d.link(r, id)
	if err != nil {
		d.linkError(w, r, c, "", err)
		return
	}
	project := l.Project
	expires, ok := formTime(r.PostFormValue("expires_at"))
	if !ok {
		d.renderLinks(w, r, c, project, http.StatusUnprocessableEntity, "expires_at: not a date and time", nil)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	require := r.PostFormValue("require_token") == "on"
	enabled := r.PostFormValue("enabled") == "on"
	u := LinkUpdate{Name: &name, RequireToken: &require, Enabled: &enabled}
	if !expires.Equal(l.ExpiresAt) {
		u.ExpiresAt = &expires
	}
	if _, err := d.s.UpdateLink(r.Context(), id, u); err != nil {
		d.linkError(w, r, c, project, err)
		return
	}
	d.done(w, r, c, "/projects/"+url.PathEscape(project)+"/links", "Link saved.")
}

func (d *dash) regenerateLink(w http.ResponseWriter, r *http.Request, c *dreq) {
	id := r.PathValue("id")
	l, err := d.link(r, id)
	if err != nil {
		d.linkError(w, r, c, "", err)
		return
	}
	project := l.Project
	token, l, err := d.s.RegenerateLink(r.Context(), id)
	if err != nil {
		d.linkError(w, r, c, project, err)
		return
	}
	d.renderLinks(w, r, c, project, http.StatusCreated, "", &shownSecret{Label: "Link " + l.Prefix + "… has a new URL: the old one stopped working.", Name: "Share URL", Value: d.shareURL(r, token)})
}

func (d *dash) revokeLink(w http.ResponseWriter, r *http.Request, c *dreq) {
	id := r.PathValue("id")
	l, err := d.link(r, id)
	if err != nil {
		d.linkError(w, r, c, "", err)
		return
	}
	project := l.Project
	if err := d.s.RevokeLink(r.Context(), id); err != nil {
		d.linkError(w, r, c, project, err)
		return
	}
	d.done(w, r, c, "/projects/"+url.PathEscape(project)+"/links", "Link revoked.")
}
