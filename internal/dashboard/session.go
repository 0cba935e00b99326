package dashboard

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"sync"
	"time"
)

// DefaultSessionTTL is how long a sign-in lasts when Sessions is given no
// lifetime.
const DefaultSessionTTL = 12 * time.Hour

// DefaultMaxSessions bounds the sessions a Sessions keeps; past it the one
// closest to expiry is dropped.
const DefaultMaxSessions = 1000

// tokenBytes is the randomness of a session id or CSRF token: 160 bits.
const tokenBytes = 20

// NewToken returns a URL-safe token of 160 random bits.
func NewToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashID is what Sessions keeps of a session id.
func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// Equal compares two secrets in constant time (for equal lengths).
func Equal(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Session is what the server keeps of a signed-in browser.
type Session struct {
	// CSRF is the token every form of the session carries.
	CSRF string
	// Expires is when the session ends, whatever the cookie says.
	Expires time.Time
	// UserID and TokenID name the user and the user token that signed
	// in; both empty for the operator (the admin token).
	UserID, TokenID string
}

type session struct {
	Session
	flash []string
}

// Sessions holds signed-in sessions in memory, by the SHA-256 digest of
// their id. It is safe for concurrent use.
type Sessions struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu sync.Mutex
	m  map[string]*session
}

// NewSessions returns an empty Sessions whose sessions last ttl (zero:
// DefaultSessionTTL).
func NewSessions(ttl time.Duration) *Sessions {
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	return &Sessions{ttl: ttl, max: DefaultMaxSessions, now: time.Now, m: map[string]*session{}}
}

// SetClock replaces the clock Sessions reads, for tests.
func (s *Sessions) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// TTL is how long a new session lasts.
func (s *Sessions) TTL() time.Duration { return s.ttl }

// Create starts a session and returns its id, to send to the browser once;
// only the id's digest is kept.
func (s *Sessions) Create() (id string, sess Session) { return s.CreateFor("", "") }

// CreateFor starts a session of a user signed in with a user token (see
// Create); empty ids are the operator.
func (s *Sessions) CreateFor(user, token string) (id string, sess Session) {
	id = NewToken()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.pruneLocked(now)
	sess = Session{CSRF: NewToken(), Expires: now.Add(s.ttl), UserID: user, TokenID: token}
	s.m[hashID(id)] = &session{Session: sess}
	return id, sess
}

// pruneLocked drops expired sessions, and the one closest to expiry while
// there are too many.
func (s *Sessions) pruneLocked(now time.Time) {
	for h, x := range s.m {
		if !now.Before(x.Expires) {
			delete(s.m, h)
		}
	}
	for len(s.m) >= s.max {
		var oldest string
		for h, x := range s.m {
			if oldest == "" || x.Expires.Before(s.m[oldest].Expires) {
				oldest = h
			}
		}
		delete(s.m, oldest)
	}
}

// Get returns the session of an id, or false when there is none or it has
// expired (an expired session is forgotten).
func (s *Sessions) Get(id string) (Session, bool) {
	if id == "" {
		return Session{}, false
	}
	h := hashID(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.m[h]
	if !ok {
		return Session{}, false
	}
	if !s.now().Before(x.Expires) {
		delete(s.m, h)
		return Session{}, false
	}
	return x.Session, true
}

// Delete ends a session (signing out).
func (s *Sessions) Delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, hashID(id))
}

// Len is the number of sessions kept, expired ones not yet pruned included.
func (s *Sessions) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// AddFlash keeps a message for the session's next page (a "key revoked"
// after a redirect). It never holds a secret: flashes are plain notices.
func (s *Sessions) AddFlash(id, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x, ok := s.m[hashID(id)]; ok && len(x.flash) < 10 {
		x.flash = append(x.flash, msg)
	}
}

// TakeFlash returns and forgets the session's messages.
func (s *Sessions) TakeFlash(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.m[hashID(id)]
	if !ok {
		return nil
	}
	f := x.flash
	x.flash = nil
	return f
}
