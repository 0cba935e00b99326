package mockapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/mockapi-go/mockapi/internal/egress"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/mock"
)

// Webhooks returns the names of the webhooks a project's description
// declares (OpenAPI 3.1 webhooks), sorted.
func (s *Server) Webhooks(ctx context.Context, project string) ([]string, error) {
	c, err := s.project(ctx, project)
	if err != nil {
		return nil, err
	}
	return c.mock.Webhooks(), nil
}

// FireWebhook sends a project's webhook (OpenAPI 3.1 webhooks) to target,
// with bodies generated from the webhook's request schemas, and returns
// how many requests were handed to the project's callback dispatcher,
// which delivers them in the background and writes them to the request
// log (operation "webhooks/NAME"). The project must allow callbacks
// (Settings.Callbacks), and target must be among their hosts: otherwise a
// *ValidationError. An unknown name is mock.ErrNoWebhook.
func (s *Server) FireWebhook(ctx context.Context, project, name, target string) (int, error) {
	c, err := s.project(ctx, project)
	if err != nil {
		return 0, err
	}
	if c.cb == nil {
		return 0, invalidf("callbacks", nil, "outbound calls are off for project %s: set its callbacks hosts first", project)
	}
	u, err := url.Parse(target)
	if err != nil || !u.IsAbs() {
		return 0, invalidf("url", err, "%q is not an absolute http(s) URL", target)
	}
	policy := egress.Policy{Hosts: c.settings.Callbacks.Hosts, AllowPrivate: s.o.AllowPrivateCallbacks}
	if err := policy.CheckURL(u); err != nil {
		return 0, invalidf("url", err, "%v", err)
	}
	return c.mock.FireWebhook(name, target)
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	names, err := s.Webhooks(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": names})
}

func (s *Server) fireWebhook(w http.ResponseWriter, r *http.Request) {
	var in struct {
		URL string `json:"url"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	name := r.PathValue("name")
	n, err := s.FireWebhook(r.Context(), r.PathValue("id"), name, in.URL)
	if errors.Is(err, mock.ErrNoWebhook) {
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, err.Error()))
		return
	}
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"webhook": name, "url": in.URL, "requests": n})
}
