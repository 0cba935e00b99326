package mockapi

import (
	"context"
	"errors"
	"slices"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
)

// Users, teams and their projects, in Go: the management API under
// /_admin/users and /_admin/teams, and the user-facing API under /_me/,
// call these.

// CreateUser stores a user and returns its user token, shown this once:
// the store keeps only its hash. A user token admits its user to
// authenticated projects, to private projects the user owns and to those
// of its teams. The email is required and unique (ErrConflict).
func (s *Server) CreateUser(ctx context.Context, name, email string) (token string, u *store.User, err error) {
	token, t := auth.NewUserToken()
	u = &store.User{Name: name, Email: email}
	if err := s.st.Users().Create(ctx, u, t); err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// ListUsers returns every user, oldest first.
func (s *Server) ListUsers(ctx context.Context) ([]*store.User, error) { return s.st.Users().List(ctx) }

// GetUser returns the user with the id.
func (s *Server) GetUser(ctx context.Context, id string) (*store.User, error) {
	return s.st.Users().Get(ctx, id)
}

// UpdateUser changes the user's name and email; nil leaves one as it is.
func (s *Server) UpdateUser(ctx context.Context, id string, name, email *string) (*store.User, error) {
	return s.st.Users().Update(ctx, id, func(u *store.User) error {
		if name != nil {
			u.Name = *name
		}
		if email != nil {
			u.Email = *email
		}
		return nil
	})
}

// DeleteUser removes the user, its tokens and memberships, and revokes
// the API keys it owns: from the next request on, on every Server sharing
// the store, none of them admits anyone. The projects it owns stay, with
// an owner that no longer admits anyone; reassign them.
func (s *Server) DeleteUser(ctx context.Context, id string) error {
	return s.st.Users().Delete(ctx, id)
}

// RotateUserToken gives the user a new token, returned this once, and
// revokes the old ones at once.
func (s *Server) RotateUserToken(ctx context.Context, id string) (string, error) {
	token, t := auth.NewUserToken()
	if err := s.st.Users().Rotate(ctx, id, t); err != nil {
		return "", err
	}
	return token, nil
}

// RevokeUserTokens revokes the user's tokens: the user can no longer
// authenticate until RotateUserToken gives it a new one.
func (s *Server) RevokeUserTokens(ctx context.Context, id string) error {
	return s.st.Users().RevokeTokens(ctx, id)
}

// CreateTeam makes a team; owner, when not empty, is its first owner.
func (s *Server) CreateTeam(ctx context.Context, id, name, owner string) (*store.Team, error) {
	t := &store.Team{ID: id, Name: name}
	if err := s.st.Teams().Create(ctx, t, owner); err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTeam removes a team that has no projects left (else ErrConflict).
func (s *Server) DeleteTeam(ctx context.Context, id string) error {
	return s.st.Teams().Delete(ctx, id)
}

// AssignProject makes the project the team's: the team's members may then
// call it while it is private. An empty team unassigns it. The team must
// exist.
func (s *Server) AssignProject(ctx context.Context, team, project string) (*Project, error) {
	if team != "" {
		if _, err := s.st.Teams().Get(ctx, team); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, invalidf("team", err, "no team %q", team)
			}
			return nil, err
		}
	}
	return s.UpdateProject(ctx, project, ProjectUpdate{Team: &team})
}

// UserProjects returns the projects the user may use: those it owns and
// those of its teams, by id.
func (s *Server) UserProjects(ctx context.Context, user string) ([]*Project, error) {
	ps, err := s.ListProjects(ctx, store.ProjectFilter{Owner: user})
	if err != nil {
		return nil, err
	}
	teams, err := s.st.Teams().List(ctx, user)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		tp, err := s.ListProjects(ctx, store.ProjectFilter{Team: t.ID})
		if err != nil {
			return nil, err
		}
		for _, p := range tp {
			if !slices.ContainsFunc(ps, func(q *Project) bool { return q.ID == p.ID }) {
				ps = append(ps, p)
			}
		}
	}
	slices.SortFunc(ps, func(a, b *Project) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return ps, nil
}

// mayUse reports whether the user may use the project: it owns it or is in
// its team.
func (s *Server) mayUse(ctx context.Context, user string, p *Project) (bool, error) {
	if p.Owner == user {
		return true, nil
	}
	if p.Team == "" {
		return false, nil
	}
	return s.st.Teams().IsMember(ctx, user, p.Team)
}
