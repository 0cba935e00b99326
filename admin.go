package mockapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/store"
)

// maxAdminBody bounds management requests (specs included).
const maxAdminBody = 32 << 20

func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_admin/projects", s.createProject)
	mux.HandleFunc("GET /_admin/projects", s.listProjects)
	mux.HandleFunc("GET /_admin/projects/{id}", s.getProject)
	mux.HandleFunc("PATCH /_admin/projects/{id}", s.patchProject)
	mux.HandleFunc("DELETE /_admin/projects/{id}", s.deleteProject)
	mux.HandleFunc("PUT /_admin/projects/{id}/spec", s.putSpec)
	mux.HandleFunc("POST /_admin/projects/{id}/reset", s.resetProject)
	mux.HandleFunc("POST /_admin/projects/{id}/links", s.createLink)
	mux.HandleFunc("GET /_admin/projects/{id}/links", s.listLinks)
	mux.HandleFunc("GET /_admin/projects/{id}/analytics", s.analytics)
	mux.HandleFunc("GET /_admin/projects/{id}/logs", s.logs)
	mux.HandleFunc("POST /_admin/keys", s.createKey)
	mux.HandleFunc("GET /_admin/keys", s.listKeys)
	mux.HandleFunc("DELETE /_admin/keys/{id}", s.revokeKey)
	mux.HandleFunc("POST /_admin/keys/{id}/rotate", s.rotateKey)
	mux.HandleFunc("DELETE /_admin/links/{id}", s.revokeLink)
	mux.HandleFunc("POST /_admin/links/{id}/regenerate", s.regenerateLink)
	mux.HandleFunc("/_admin/", func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "no such management endpoint"))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.o.AdminToken == "" {
			problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "the management API is off"))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mockapi-admin"`)
			problem.Write(w, problem.New(http.StatusUnauthorized, problem.CodeAuthRequired, "the management API needs the admin token as a Bearer credential"))
			return
		}
		if !secret.Equal(strings.TrimSpace(token), s.o.AdminToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mockapi-admin", error="invalid_token"`)
			problem.Write(w, problem.New(http.StatusUnauthorized, problem.CodeInvalidAPIKey, "the admin token is not valid"))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxAdminBody)
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, err.Error()))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func badRequest(w http.ResponseWriter, format string, args ...any) {
	problem.Write(w, problem.New(http.StatusBadRequest, problem.CodeValidation, fmt.Sprintf(format, args...)))
}

func unprocessable(w http.ResponseWriter, detail string) {
	problem.Write(w, problem.New(http.StatusUnprocessableEntity, problem.CodeValidation, detail))
}

// readJSON decodes a JSON request body strictly: unknown fields are errors.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tooLarge(w, err) {
			return false
		}
		if errors.Is(err, io.EOF) {
			badRequest(w, "the request needs a JSON body")
		} else {
			badRequest(w, "the JSON body is not valid: %v", err)
		}
		return false
	}
	return true
}

// tooLarge answers 413 when err says the body passed maxAdminBody.
func tooLarge(w http.ResponseWriter, err error) bool {
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		return false
	}
	problem.Write(w, problem.New(http.StatusRequestEntityTooLarge, problem.CodeValidation,
		fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)))
	return true
}

// storeError answers a store failure with the status it stands for.
func (s *Server) storeError(w http.ResponseWriter, what string, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, what+" not found"))
	case errors.Is(err, store.ErrConflict):
		problem.Write(w, problem.New(http.StatusConflict, problem.CodeConflict, what+": "+err.Error()))
	case errors.Is(err, store.ErrInvalid):
		unprocessable(w, err.Error())
	default:
		s.logger.Warn("mockapi: management API: store failed", "what", what, "err", err)
		problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "the store failed"))
	}
}

func (s *Server) url(path string) string { return s.o.BaseURL + path }
