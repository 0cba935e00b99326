package mockapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/store"
)

// admitted runs behind the guard, for requests it let in. An API key a
// store user owns (made under /_me/) opens a private project only while
// that user may still use it (owns it or is in its team): that is read
// per request, so leaving a team closes the user's keys too. Then each
// request is counted against the project's quota and the caller's user's,
// and answered 429 QUOTA_EXCEEDED once one is used up.
func (s *Server) admitted(project *store.Project, next http.Handler) http.Handler {
	subject := store.ProjectSubject(project.ID)
	private := project.Visibility == store.Private
	asProject := &Project{ID: project.ID, Owner: project.Owner, Team: project.Team}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		subjects := [2]string{subject}
		n := 1
		p, ok := auth.PrincipalFrom(r.Context())
		if ok && p.UserID != "" {
			subjects[1], n = store.UserSubject(p.UserID), 2
		}
		if private && ok && p.Method == auth.MethodKey && p.UserID != "" && !s.o.NoStoreUsers {
			allowed, err := s.ownerMayUse(r.Context(), p.UserID, asProject)
			if err != nil {
				s.logger.Warn("mockapi: checking a key owner failed", "project", project.ID, "err", err)
				w.Header().Set("Retry-After", "1")
				problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "credentials cannot be checked now"))
				return
			}
			if !allowed {
				problem.Write(w, problem.New(http.StatusForbidden, problem.CodeForbidden,
					"The key's owner may no longer use this project."))
				return
			}
		}
		over, tight, err := s.quotas.admit(r.Context(), subjects[:n])
		if err != nil {
			s.logger.Warn("mockapi: reading quotas failed", "project", project.ID, "err", err)
			w.Header().Set("Retry-After", "1")
			problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "quotas cannot be checked now"))
			return
		}
		if tight != nil && w.Header().Get("Ratelimit") == "" {
			setRateLimit(w.Header(), tight)
		}
		if over != nil {
			writeQuotaExceeded(w, over)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ownerMayUse reports whether a key's owner may still use the project:
// true when the owner is not a store user (an application's own user).
func (s *Server) ownerMayUse(ctx context.Context, owner string, p *Project) (bool, error) {
	if _, err := s.st.Users().Get(ctx, owner); err != nil {
		if isNotFoundErr(err) {
			return true, nil
		}
		return false, err
	}
	return s.mayUse(ctx, owner, p)
}

func setRateLimit(h http.Header, e *exceeded) {
	secs := int64(max(e.retry, time.Second) / time.Second)
	if e.retry%time.Second != 0 && e.retry > time.Second {
		secs++
	}
	name := strconv.Quote(e.Name)
	h.Set("RateLimit-Policy", name+";q="+strconv.FormatInt(e.Size, 10))
	h.Set("RateLimit", name+";r="+strconv.FormatInt(e.Remaining, 10)+";t="+strconv.FormatInt(secs, 10))
}

// writeQuotaExceeded answers 429 for a used-up limit, with Retry-After
// when it resets, and the limit in the problem's "limit" member.
func writeQuotaExceeded(w http.ResponseWriter, e *exceeded) {
	if !e.Reset.IsZero() { // a projects quota has no window: no RateLimit fields
		setRateLimit(w.Header(), e)
		secs := int64(max(e.retry, time.Second)+time.Second-1) / int64(time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	p := problem.New(http.StatusTooManyRequests, problem.CodeQuotaExceeded, quotaDetail(e))
	p.Extra = map[string]any{"limit": e}
	problem.Write(w, p)
}

func quotaDetail(e *exceeded) string {
	d := fmt.Sprintf("the %s quota of %s (%d) is used up", e.Name, e.Subject, e.Size)
	if !e.Reset.IsZero() {
		d += "; it resets at " + e.Reset.Format(time.RFC3339)
	}
	return d
}
