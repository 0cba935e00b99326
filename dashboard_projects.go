package mockapi

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// specError is a spec that did not load, as a page shows it: the loader's
// sentence and, where it knows one, the line.
type specError struct {
	Line    int
	Message string
}

func specErrorOf(err error) *specError {
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "spec" {
		return nil
	}
	se := &specError{Message: ve.Error()}
	var le *openapi.LoadError
	if errors.As(err, &le) {
		se.Line = le.Line
	}
	return se
}

// formSpec reads the spec of a form: the uploaded file when one was
// chosen, else the pasted text.
func formSpec(r *http.Request) ([]byte, error) {
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return nil, err
			}
			defer f.Close()
			return io.ReadAll(f)
		}
	}
	return []byte(r.PostFormValue("spec")), nil
}

type projectRow struct {
	ID, Name   string
	Visibility store.Visibility
	InvokeURL  string
	UpdatedAt  time.Time
	Broken     bool
}

type projectForm struct {
	ID, Name, Visibility, Spec string
}

type projectsData struct {
	Projects  []projectRow
	Form      projectForm
	SpecError *specError
}

func (d *dash) projects(w http.ResponseWriter, r *http.Request, c *dreq) {
	d.renderProjects(w, r, c, http.StatusOK, projectForm{Visibility: string(store.Private)}, nil, "")
}

func (d *dash) renderProjects(w http.ResponseWriter, r *http.Request, c *dreq, status int, form projectForm, se *specError, errMsg string) {
	ps, err := d.visibleProjects(r, c)
	if err != nil {
		d.failErr(w, r, c, "projects", err)
		return
	}
	data := projectsData{Form: form, SpecError: se}
	for _, p := range ps {
		data.Projects = append(data.Projects, projectRow{ID: p.ID, Name: p.Name, Visibility: p.Visibility,
			InvokeURL: d.s.InvokeURL(p.ID), UpdatedAt: p.UpdatedAt, Broken: p.SettingsErr != nil})
	}
	d.render(w, r, c, status, "projects", "Projects", "projects", errMsg, data)
}

func (d *dash) createProject(w http.ResponseWriter, r *http.Request, c *dreq) {
	spec, err := formSpec(r)
	if err != nil {
		d.fail(w, r, c, http.StatusBadRequest, "The uploaded file could not be read.")
		return
	}
	form := projectForm{ID: strings.TrimSpace(r.PostFormValue("id")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Visibility: r.PostFormValue("visibility"), Spec: string(spec)}
	if len(spec) == 0 {
		d.renderProjects(w, r, c, http.StatusUnprocessableEntity, form, nil, "Upload or paste a spec.")
		return
	}
	var p *Project
	spec, err = derive(spec) // a HAR file, Postman collection or curl commands
	if err == nil {
		p, err = d.s.CreateProject(r.Context(), NewProject{ID: form.ID, Name: form.Name, Spec: spec,
			Visibility: store.Visibility(form.Visibility), Owner: c.user}) // a user owns what it creates
	}
	if err != nil {
		status, msg := d.s.dashError("project", err)
		if status == http.StatusServiceUnavailable {
			d.fail(w, r, c, status, msg)
			return
		}
		d.renderProjects(w, r, c, status, form, specErrorOf(err), msg)
		return
	}
	d.done(w, r, c, "/projects/"+url.PathEscape(p.ID), "Project "+p.ID+" created.")
}

// visibleProjects are every project for the operator, and for a user the
// projects it may use.
func (d *dash) visibleProjects(r *http.Request, c *dreq) ([]*Project, error) {
	if c.user != "" {
		return d.s.UserProjects(r.Context(), c.user)
	}
	return d.s.ListProjects(r.Context(), store.ProjectFilter{})
}

type opRow struct {
	ID, Method, Path string
	// Override is the operation's own visibility, "inherit" when it has
	// none.
	Override string
	Requests int
}

type projectData struct {
	P         *Project
	InvokeURL string
	Broken    string
	Ops       []opRow
	Warnings  []openapi.Warning
	Spec      string
	SpecError *specError
	// Reloadable is true when the project has a source on this server
	// (Server.SetSource): the page offers to read it again.
	Reloadable bool
	// RateRequests is "" without a limit.
	RateRequests string
	RatePer      string
	RatePers     []ratePer
}

// ratePer is a period a rate limit's form offers.
type ratePer struct{ Value, Label string }

var ratePers = []ratePer{{"1s", "second"}, {"1m0s", "minute"}, {"1h0m0s", "hour"}, {"24h0m0s", "day"}}

func (d *dash) project(w http.ResponseWriter, r *http.Request, c *dreq) {
	d.renderProject(w, r, c, r.PathValue("id"), http.StatusOK, "", nil, nil)
}

// renderProject shows a project's settings page; spec, when not nil, is
// what the person sent (kept in the form with its error).
func (d *dash) renderProject(w http.ResponseWriter, r *http.Request, c *dreq, id string, status int, errMsg string, spec []byte, se *specError) {
	ctx := r.Context()
	p, err := d.s.Project(ctx, id)
	if err != nil {
		d.failErr(w, r, c, "project", err)
		return
	}
	data := projectData{P: p, InvokeURL: d.absURL(r, d.s.InvokeURL(p.ID)), SpecError: se, RatePers: ratePers, RatePer: "1m0s",
		Reloadable: d.s.hasSource(p.ID)}
	if p.SettingsErr != nil {
		data.Broken = p.SettingsErr.Error()
	}
	if rl := p.Settings.RateLimit; !rl.IsZero() {
		data.RateRequests, data.RatePer = strconv.Itoa(rl.Requests), rl.Per.String()
		if !slices.ContainsFunc(ratePers, func(p ratePer) bool { return p.Value == data.RatePer }) {
			data.RatePers = append(slices.Clone(ratePers), ratePer{data.RatePer, data.RatePer})
		}
	}
	if spec == nil {
		if spec, _, err = d.s.Spec(ctx, id); err != nil {
			d.failErr(w, r, c, "project", err)
			return
		}
	}
	data.Spec = string(spec)
	ops, err := d.s.Operations(ctx, id)
	var pe *ProjectError
	switch {
	case errors.As(err, &pe):
		data.Broken = pe.Err.Error()
	case err != nil:
		d.failErr(w, r, c, "project", err)
		return
	}
	for _, op := range ops {
		row := opRow{ID: op.ID, Method: op.Method, Path: op.Path, Override: string(auth.Inherit), Requests: op.Requests}
		if v, ok := p.OperationVisibility[op.ID]; ok {
			row.Override = string(v)
		}
		data.Ops = append(data.Ops, row)
	}
	if data.Broken == "" {
		data.Warnings, _ = d.s.Warnings(ctx, id)
	}
	d.render(w, r, c, status, "project", p.Name, "projects", errMsg, data)
}

func (d *dash) saveSettings(w http.ResponseWriter, r *http.Request, c *dreq) {
	id := r.PathValue("id")
	name := strings.TrimSpace(r.PostFormValue("name"))
	vis := store.Visibility(r.PostFormValue("visibility"))
	sharing := r.PostFormValue("sharing") == "on"
	queryToken := r.PostFormValue("allow_query_token") == "on"
	u := ProjectUpdate{Name: &name, Visibility: &vis, Sharing: &sharing, AllowQueryToken: &queryToken,
		OperationVisibility: map[string]store.Visibility{}}
	var limit RateLimit
	if n := strings.TrimSpace(r.PostFormValue("rate_requests")); n != "" && n != "0" {
		requests, err := strconv.Atoi(n)
		if err != nil || requests <= 0 {
			d.renderProject(w, r, c, id, http.StatusUnprocessableEntity, "rate_limit: requests "+strconv.Quote(n)+" is not a positive number", nil, nil)
			return
		}
		per, err := time.ParseDuration(r.PostFormValue("rate_per"))
		if err != nil || per <= 0 {
			d.renderProject(w, r, c, id, http.StatusUnprocessableEntity, "rate_limit: the period is not a duration", nil, nil)
			return
		}
		limit = RateLimit{Requests: requests, Per: per}
	}
	u.RateLimit = &limit
	for field, vs := range r.PostForm {
		if op, ok := strings.CutPrefix(field, "op:"); ok && len(vs) == 1 {
			u.OperationVisibility[op] = store.Visibility(vs[0])
		}
	}
	if p, err := d.s.Project(r.Context(), id); err == nil && p.SettingsErr != nil {
		// Stored settings that cannot be read are replaced: the form's,
		// the others at their defaults.
		u.Settings = &Settings{}
	}
	if _, err := d.s.UpdateProject(r.Context(), id, u); err != nil {
		status, msg := d.s.dashError("project", err)
		if status == http.StatusUnprocessableEntity {
			d.renderProject(w, r, c, id, status, msg, nil, nil)
			return
		}
		d.fail(w, r, c, status, msg)
		return
	}
	d.done(w, r, c, "/projects/"+url.PathEscape(id), "Settings saved.")
}

func (d *dash) replaceSpec(w http.ResponseWriter, r *http.Request, c *dreq) {
	id := r.PathValue("id")
	spec, err := formSpec(r)
	if err != nil {
		d.fail(w, r, c, http.StatusBadRequest, "The uploaded file could not be read.")
		return
	}
	if len(spec) == 0 {
		d.renderProject(w, r, c, id, http.StatusUnprocessableEntity, "Upload or paste a spec.", spec, nil)
		return
	}
	derived, err := derive(spec) // a HAR file, Postman collection or curl commands
	if err == nil {
		_, err = d.s.SetSpec(r.Context(), id, derived)
	}
	if err != nil {
		status, msg := d.s.dashError("project", err)
		if status == http.StatusUnprocessableEntity {
			d.renderProject(w, r, c, id, status, msg, spec, specErrorOf(err))
			return
		}
		d.fail(w, r, c, status, msg)
		return
	}
	d.done(w, r, c, "/projects/"+url.PathEscape(id), "Spec replaced.")
}

func (d *dash) resetProject(w http.ResponseWriter, r *http.Request, c *dreq) {
	id := r.PathValue("id")
	if err := d.s.ResetProject(r.Context(), id); err != nil {
		d.failErr(w, r, c, "project", err)
		return
	}
	d.done(w, r, c, "/projects/"+url.PathEscape(id), "Data reset to the seed.")
}

// reloadProject reads the description again from the project's source
// (the mock server's -spec file), as POST /_admin/projects/{id}/reload
// does.
func (d *dash) reloadProject(w http.ResponseWriter, r *http.Request, c *dreq) {
	id := r.PathValue("id")
	_, changed, err := d.s.Reload(r.Context(), id)
	if err != nil {
		status, msg := d.s.dashError("project", err)
		if status == http.StatusUnprocessableEntity {
			// The error names the file and its line; the form below holds
			// the stored spec, which is not at fault.
			d.renderProject(w, r, c, id, status, msg, nil, nil)
			return
		}
		d.fail(w, r, c, status, msg)
		return
	}
	msg := "The spec is unchanged."
	if changed {
		msg = "Spec reloaded."
	}
	d.done(w, r, c, "/projects/"+url.PathEscape(id), msg)
}

func (d *dash) deletePage(w http.ResponseWriter, r *http.Request, c *dreq) {
	p, err := d.s.Project(r.Context(), r.PathValue("id"))
	if err != nil {
		d.failErr(w, r, c, "project", err)
		return
	}
	d.render(w, r, c, http.StatusOK, "delete", "Delete "+p.Name, "projects", "", p)
}

// deleteProject deletes a project once its id is typed again: a
// confirmation that a stray click or a replayed form cannot give.
func (d *dash) deleteProject(w http.ResponseWriter, r *http.Request, c *dreq) {
	id := r.PathValue("id")
	if r.PostFormValue("confirm") != id {
		p, err := d.s.Project(r.Context(), id)
		if err != nil {
			d.failErr(w, r, c, "project", err)
			return
		}
		d.render(w, r, c, http.StatusUnprocessableEntity, "delete", "Delete "+p.Name, "projects",
			"Type the project's id to confirm: nothing was deleted.", p)
		return
	}
	if err := d.s.DeleteProject(r.Context(), id); err != nil {
		d.failErr(w, r, c, "project", err)
		return
	}
	d.done(w, r, c, "/", "Project "+id+" deleted.")
}
