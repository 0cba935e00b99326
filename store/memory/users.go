package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

// people holds users, tokens, teams, members and invites under one lock.
// Its methods lock people, then projects or keys; nothing locks those
// first and then people.
type people struct {
	mu       sync.RWMutex
	users    map[string]*store.User
	tokens   map[string]*store.UserToken // by id
	byHash   map[string]string           // token hash -> token id
	teams    map[string]*store.Team
	members  map[[2]string]*store.Member // {team, user}
	invites  map[string]*store.Invite
	projects *projects
	keys     *keys
}

func newPeople(ps *projects, ks *keys) *people {
	return &people{users: map[string]*store.User{}, tokens: map[string]*store.UserToken{}, byHash: map[string]string{},
		teams: map[string]*store.Team{}, members: map[[2]string]*store.Member{}, invites: map[string]*store.Invite{},
		projects: ps, keys: ks}
}

func clone[T any](v *T) *T { c := *v; return &c }

// users is people seen as driver.Users; teams as driver.Teams.
type (
	users struct{ *people }
	teams struct{ *people }
)

func (p *people) emailTaken(email, except string) bool {
	for _, u := range p.users {
		if u.Email == email && u.ID != except {
			return true
		}
	}
	return false
}

func (p *people) addToken(t *store.UserToken) error {
	if _, ok := p.byHash[t.Hash]; ok {
		return conflict("user token hash of", t.ID)
	}
	if _, ok := p.tokens[t.ID]; ok {
		return conflict("user token", t.ID)
	}
	p.tokens[t.ID] = clone(t)
	p.byHash[t.Hash] = t.ID
	return nil
}

func (us users) Create(_ context.Context, u *store.User, t *store.UserToken) error {
	us.mu.Lock()
	defer us.mu.Unlock()
	if _, ok := us.users[u.ID]; ok {
		return conflict("user", u.ID)
	}
	if us.emailTaken(u.Email, "") {
		return conflict("user email of", u.ID)
	}
	if err := us.addToken(t); err != nil {
		return err
	}
	us.users[u.ID] = clone(u)
	return nil
}

func (us users) Get(_ context.Context, id string) (*store.User, error) {
	us.mu.RLock()
	defer us.mu.RUnlock()
	u, ok := us.users[id]
	if !ok {
		return nil, notFound("user", id)
	}
	return clone(u), nil
}

func (us users) ByEmail(_ context.Context, email string) (*store.User, error) {
	us.mu.RLock()
	defer us.mu.RUnlock()
	for _, u := range us.users {
		if u.Email == email {
			return clone(u), nil
		}
	}
	return nil, fmt.Errorf("user email: %w", store.ErrNotFound)
}

func (us users) List(_ context.Context) ([]*store.User, error) {
	us.mu.RLock()
	defer us.mu.RUnlock()
	out := make([]*store.User, 0, len(us.users))
	for _, u := range us.users {
		out = append(out, clone(u))
	}
	byCreated(out, func(u *store.User) (time.Time, string) { return u.CreatedAt, u.ID })
	return out, nil
}

func (us users) Update(_ context.Context, id string, change func(*store.User) error) (*store.User, error) {
	us.mu.Lock()
	defer us.mu.Unlock()
	cur, ok := us.users[id]
	if !ok {
		return nil, notFound("user", id)
	}
	u := clone(cur)
	if err := change(u); err != nil {
		return nil, err
	}
	if us.emailTaken(u.Email, id) {
		return nil, conflict("user email of", id)
	}
	cur.Name, cur.Email = u.Name, u.Email
	return clone(cur), nil
}

func (us users) Delete(_ context.Context, id string, at time.Time) error {
	us.mu.Lock()
	defer us.mu.Unlock()
	if _, ok := us.users[id]; !ok {
		return notFound("user", id)
	}
	us.keys.mu.Lock()
	defer us.keys.mu.Unlock()
	delete(us.users, id)
	for tid, t := range us.tokens {
		if t.User == id {
			delete(us.byHash, t.Hash)
			delete(us.tokens, tid)
		}
	}
	for k, m := range us.members {
		if m.User == id {
			delete(us.members, k)
		}
	}
	for _, k := range us.keys.byID {
		if k.Owner == id && k.RevokedAt.IsZero() {
			k.RevokedAt = at
		}
	}
	return nil
}

func (us users) Lookup(_ context.Context, hash string) (*store.User, *store.UserToken, error) {
	us.mu.RLock()
	defer us.mu.RUnlock()
	tid, ok := us.byHash[hash]
	if !ok {
		return nil, nil, fmt.Errorf("user token hash: %w", store.ErrNotFound)
	}
	t := us.tokens[tid]
	return clone(us.users[t.User]), clone(t), nil
}

func (us users) Tokens(_ context.Context, user string) ([]*store.UserToken, error) {
	us.mu.RLock()
	defer us.mu.RUnlock()
	if _, ok := us.users[user]; !ok {
		return nil, notFound("user", user)
	}
	var out []*store.UserToken
	for _, t := range us.tokens {
		if t.User == user {
			out = append(out, clone(t))
		}
	}
	byCreated(out, func(t *store.UserToken) (time.Time, string) { return t.CreatedAt, t.ID })
	return out, nil
}

func (us users) Rotate(_ context.Context, next *store.UserToken) error {
	us.mu.Lock()
	defer us.mu.Unlock()
	if _, ok := us.users[next.User]; !ok {
		return notFound("user", next.User)
	}
	if err := us.addToken(next); err != nil {
		return err
	}
	us.revoke(next.User, next.ID, next.CreatedAt)
	return nil
}

// revoke revokes the user's tokens but one; mu is held.
func (p *people) revoke(user, except string, at time.Time) {
	for _, t := range p.tokens {
		if t.User == user && t.ID != except && t.RevokedAt.IsZero() {
			t.RevokedAt = at
		}
	}
}

func (us users) RevokeTokens(_ context.Context, user string, at time.Time) error {
	us.mu.Lock()
	defer us.mu.Unlock()
	if _, ok := us.users[user]; !ok {
		return notFound("user", user)
	}
	us.revoke(user, "", at)
	return nil
}

// teams

func (ts teams) Create(_ context.Context, t *store.Team, owner *store.Member) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if _, ok := ts.teams[t.ID]; ok {
		return conflict("team", t.ID)
	}
	if owner != nil {
		if _, ok := ts.users[owner.User]; !ok {
			return notFound("user", owner.User)
		}
		ts.members[[2]string{t.ID, owner.User}] = clone(owner)
	}
	ts.teams[t.ID] = clone(t)
	return nil
}

func (ts teams) Get(_ context.Context, id string) (*store.Team, error) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	t, ok := ts.teams[id]
	if !ok {
		return nil, notFound("team", id)
	}
	return clone(t), nil
}

func (ts teams) List(_ context.Context, user string) ([]*store.Team, error) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	var out []*store.Team
	for id, t := range ts.teams {
		if _, ok := ts.members[[2]string{id, user}]; user == "" || ok {
			out = append(out, clone(t))
		}
	}
	byCreated(out, func(t *store.Team) (time.Time, string) { return t.CreatedAt, t.ID })
	return out, nil
}

func (ts teams) Rename(_ context.Context, id, name string) (*store.Team, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, ok := ts.teams[id]
	if !ok {
		return nil, notFound("team", id)
	}
	t.Name = name
	return clone(t), nil
}

func (ts teams) Delete(_ context.Context, id string) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if _, ok := ts.teams[id]; !ok {
		return notFound("team", id)
	}
	ts.projects.mu.RLock()
	defer ts.projects.mu.RUnlock()
	for _, p := range ts.projects.m {
		if p.Team == id {
			return fmt.Errorf("team %q: project %q is assigned to it: %w", id, p.ID, store.ErrConflict)
		}
	}
	delete(ts.teams, id)
	for k := range ts.members {
		if k[0] == id {
			delete(ts.members, k)
		}
	}
	for iid, inv := range ts.invites {
		if inv.Team == id {
			delete(ts.invites, iid)
		}
	}
	return nil
}

// put adds or updates m; mu is held.
func (ts teams) put(m *store.Member) error {
	if _, ok := ts.teams[m.Team]; !ok {
		return notFound("team", m.Team)
	}
	if _, ok := ts.users[m.User]; !ok {
		return notFound("user", m.User)
	}
	k := [2]string{m.Team, m.User}
	if cur, ok := ts.members[k]; ok {
		cur.Role = m.Role
		return nil
	}
	ts.members[k] = clone(m)
	return nil
}

func (ts teams) PutMember(_ context.Context, m *store.Member) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.put(m)
}

func (ts teams) RemoveMember(_ context.Context, team, user string) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	k := [2]string{team, user}
	if _, ok := ts.members[k]; !ok {
		return notFound("member of team "+team, user)
	}
	delete(ts.members, k)
	return nil
}

func (ts teams) Member(_ context.Context, team, user string) (*store.Member, error) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	m, ok := ts.members[[2]string{team, user}]
	if !ok {
		return nil, notFound("member of team "+team, user)
	}
	return clone(m), nil
}

func (ts teams) Members(_ context.Context, team string) ([]*store.Member, error) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	if _, ok := ts.teams[team]; !ok {
		return nil, notFound("team", team)
	}
	var out []*store.Member
	for k, m := range ts.members {
		if k[0] == team {
			out = append(out, clone(m))
		}
	}
	byCreated(out, func(m *store.Member) (time.Time, string) { return m.CreatedAt, m.User })
	return out, nil
}

func (ts teams) Invite(_ context.Context, inv *store.Invite) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if _, ok := ts.teams[inv.Team]; !ok {
		return notFound("team", inv.Team)
	}
	for _, cur := range ts.invites {
		if cur.Team == inv.Team && cur.Email == inv.Email {
			return conflict("invite to team "+inv.Team+" of", inv.Email)
		}
	}
	if _, ok := ts.invites[inv.ID]; ok {
		return conflict("invite", inv.ID)
	}
	ts.invites[inv.ID] = clone(inv)
	return nil
}

func (ts teams) GetInvite(_ context.Context, id string) (*store.Invite, error) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	inv, ok := ts.invites[id]
	if !ok {
		return nil, notFound("invite", id)
	}
	return clone(inv), nil
}

func (ts teams) Invites(_ context.Context, team, email string) ([]*store.Invite, error) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	var out []*store.Invite
	for _, inv := range ts.invites {
		if (team == "" || inv.Team == team) && (email == "" || inv.Email == email) {
			out = append(out, clone(inv))
		}
	}
	byCreated(out, func(i *store.Invite) (time.Time, string) { return i.CreatedAt, i.ID })
	return out, nil
}

func (ts teams) DeleteInvite(_ context.Context, id string) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if _, ok := ts.invites[id]; !ok {
		return notFound("invite", id)
	}
	delete(ts.invites, id)
	return nil
}

func (ts teams) Accept(_ context.Context, inviteID string, m *store.Member) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if _, ok := ts.invites[inviteID]; !ok {
		return notFound("invite", inviteID)
	}
	if err := ts.put(m); err != nil {
		return err
	}
	delete(ts.invites, inviteID)
	return nil
}

// quotas

type quotas struct {
	mu     sync.Mutex
	quotas map[string]*store.Quota
	counts map[[2]string]int64 // {subject, period}
}

func (qs *quotas) Put(_ context.Context, q *store.Quota) error {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	qs.quotas[q.Subject] = clone(q)
	return nil
}

func (qs *quotas) Get(_ context.Context, subject string) (*store.Quota, error) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	q, ok := qs.quotas[subject]
	if !ok {
		return nil, notFound("quota", subject)
	}
	return clone(q), nil
}

func (qs *quotas) List(_ context.Context) ([]*store.Quota, error) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	out := make([]*store.Quota, 0, len(qs.quotas))
	for _, s := range slices.Sorted(maps.Keys(qs.quotas)) {
		out = append(out, clone(qs.quotas[s]))
	}
	return out, nil
}

func (qs *quotas) Delete(_ context.Context, subject string) error {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if _, ok := qs.quotas[subject]; !ok {
		return notFound("quota", subject)
	}
	delete(qs.quotas, subject)
	return nil
}

func (qs *quotas) Add(_ context.Context, counts []store.Count) ([]int64, error) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	out := make([]int64, len(counts))
	for i, c := range counts {
		k := [2]string{c.Subject, c.Period}
		qs.counts[k] += c.N
		out[i] = qs.counts[k]
	}
	return out, nil
}
