package mockapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/rules"
)

// Settings are a project's settings. Every field's zero value is the
// default, and, for the fields that set an auth.Policy field, it means
// the same as that field's zero value. The store keeps them as the JSON object
// {"allow_query_token": true, "rate_limit": {"requests": 100, "per": "1m"},
// "sharing": false}
// (store.Project.Settings); write them through the Server, which checks
// them, rather than into the store.
type Settings struct {
	// AllowQueryToken accepts an API key in the apidogToken query
	// parameter, as Apidog's own mock does. Off (the zero value, as
	// auth.Policy.AllowQueryToken): a key is accepted in a header or a
	// form body only, never in a URL, which proxies, access logs and
	// browser histories keep.
	AllowQueryToken bool
	// RateLimit bounds the requests each caller (key, user, or address)
	// makes to the project. Zero: no limit.
	RateLimit RateLimit
	// SharingOff stops every share link of the project at once, on every
	// Server sharing the store: their visitors get the 404 of an unknown
	// link. The links are kept, and turning sharing on again (JSON
	// "sharing": true) brings back those not revoked, disabled or expired.
	// Off (the zero value): links work.
	SharingOff bool
	// SeedRecords is how many generated records each resource collection
	// of the project starts with, up to MaxSeedRecords. Zero: the Server's
	// default (mock.WithSeedRecords among Options.MockOptions, else 10);
	// NoSeedRecords: none. Collections are seeded on first use and by a
	// reset, so a change applies to data seeded after it: reset the
	// project (ResetProject) to apply it to data already there.
	SeedRecords int
	// Callbacks, when set, lets the project's operations fire the
	// callbacks they declare, to the hosts it names. Nil (the default):
	// no outbound call.
	Callbacks *Callbacks
	// Rules answer operations by request values, as x-mock-rules in the
	// spec would (package mock/rules), after the spec's own: operation
	// name (operationId or "METHOD /path") to its rules, tried in order.
	// The Server holds them to the spec when they are written, and when
	// the spec is replaced.
	Rules map[string][]rules.Rule
}

// isDefault reports whether every setting is its default.
func (s Settings) isDefault() bool {
	return !s.AllowQueryToken && s.RateLimit.IsZero() && !s.SharingOff && s.SeedRecords == 0 &&
		s.Callbacks == nil && len(s.Rules) == 0
}

// Bounds of Settings.SeedRecords.
const (
	// NoSeedRecords makes every collection start empty.
	NoSeedRecords = -1
	// MaxSeedRecords bounds the records of each collection's seed;
	// GenerateRecords adds more.
	MaxSeedRecords = 1000
)

// RateLimit is Requests per Per for each caller, with a burst of Requests.
// The zero RateLimit is no limit; otherwise both fields are positive.
type RateLimit struct {
	Requests int
	Per      time.Duration
}

// IsZero reports whether r is no limit.
func (r RateLimit) IsZero() bool { return r == RateLimit{} }

// Validate refuses a limit with one field set and not the other, or a
// negative one.
func (r RateLimit) Validate() error {
	if r.IsZero() {
		return nil
	}
	if r.Requests <= 0 || r.Per <= 0 {
		return invalidf("rate_limit", nil, "needs requests > 0 and a positive duration in per (\"1m\"), got %d per %v", r.Requests, r.Per)
	}
	return nil
}

// Validate reports the first setting out of range as a *ValidationError.
func (s Settings) Validate() error {
	if s.SeedRecords < NoSeedRecords || s.SeedRecords > MaxSeedRecords {
		return invalidf("seed_records", nil, "%d is not in 0..%d", s.SeedRecords, MaxSeedRecords)
	}
	if err := s.Callbacks.Validate(); err != nil {
		return err
	}
	if err := validateRules(s.Rules); err != nil {
		return err
	}
	return s.RateLimit.Validate()
}

// seedOption is the mock option that applies SeedRecords, or nil for the
// Server's default.
func (s Settings) seedOption() mock.Option {
	switch s.SeedRecords {
	case 0:
		return nil
	case NoSeedRecords:
		return mock.WithSeedRecords(0)
	}
	return mock.WithSeedRecords(s.SeedRecords)
}

// seedRecordsDoc is SeedRecords as JSON: absent (nil) for the default, 0
// for none.
func (s Settings) seedRecordsDoc() *int {
	switch s.SeedRecords {
	case 0:
		return nil
	case NoSeedRecords:
		return new(int)
	}
	n := s.SeedRecords
	return &n
}

// seedRecordsOf reads seed_records: null (nil) is the default, 0 none.
func seedRecordsOf(n *int) int {
	switch {
	case n == nil:
		return 0
	case *n == 0:
		return NoSeedRecords
	case *n < 0:
		return MaxSeedRecords + 1 // out of range, whatever Validate says of -1
	}
	return *n
}

func (r RateLimit) limit() auth.Limit {
	if r.IsZero() {
		return auth.Limit{}
	}
	return auth.Limit{Requests: r.Requests, Per: r.Per, Burst: r.Requests}
}

// rateLimitDoc is a RateLimit as JSON: per is a Go duration ("1m").
type rateLimitDoc struct {
	Requests int    `json:"requests"`
	Per      string `json:"per"`
}

func (r RateLimit) doc() *rateLimitDoc {
	if r.IsZero() {
		return nil
	}
	return &rateLimitDoc{Requests: r.Requests, Per: shortDuration(r.Per)}
}

// rateLimit reads and checks a rate_limit object.
func (d *rateLimitDoc) rateLimit() (RateLimit, error) {
	per, err := time.ParseDuration(d.Per)
	if err != nil {
		return RateLimit{}, invalidf("rate_limit", err, "needs requests > 0 and a positive duration in per (\"1m\"), got %d per %q", d.Requests, d.Per)
	}
	r := RateLimit{Requests: d.Requests, Per: per}
	if r.IsZero() {
		return RateLimit{}, invalidf("rate_limit", nil, "needs requests > 0 and a positive duration in per (\"1m\"); null removes the limit")
	}
	return r, r.Validate()
}

// shortDuration writes d as people do: "1m", not "1m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// settingsDoc is how Settings are stored.
type settingsDoc struct {
	AllowQueryToken bool            `json:"allow_query_token,omitempty"`
	RateLimit       *rateLimitDoc   `json:"rate_limit,omitempty"`
	Sharing         *bool           `json:"sharing,omitempty"` // stored only when false
	SeedRecords     *int            `json:"seed_records,omitempty"`
	Callbacks       *callbacksDoc   `json:"callbacks,omitempty"`
	Rules           json.RawMessage `json:"rules,omitempty"`
}

// encodeSettings is the stored form of s; nil when every setting is the
// default.
func encodeSettings(s Settings) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.isDefault() {
		return nil, nil
	}
	d := settingsDoc{AllowQueryToken: s.AllowQueryToken, RateLimit: s.RateLimit.doc(), SeedRecords: s.seedRecordsDoc(),
		Callbacks: s.Callbacks.doc()}
	if len(s.Rules) > 0 {
		b, err := json.Marshal(s.Rules)
		if err != nil {
			return nil, invalidf("rules", err, "%v", err)
		}
		d.Rules = b
	}
	if s.SharingOff {
		d.Sharing = new(bool)
	}
	return json.Marshal(d)
}

// decodeSettings reads stored settings strictly: a blob that is not an
// object of known, valid settings is an error, never the defaults, so a
// project is not served without a limit it was given.
func decodeSettings(b []byte) (Settings, error) {
	if len(bytes.TrimSpace(b)) == 0 || string(bytes.TrimSpace(b)) == "null" {
		return Settings{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d settingsDoc
	if err := dec.Decode(&d); err != nil {
		return Settings{}, fmt.Errorf("stored settings: %w", err)
	}
	s := Settings{AllowQueryToken: d.AllowQueryToken, SharingOff: d.Sharing != nil && !*d.Sharing, SeedRecords: seedRecordsOf(d.SeedRecords)}
	if err := s.Validate(); err != nil {
		return Settings{}, fmt.Errorf("stored settings: %w", err)
	}
	if d.RateLimit != nil {
		r, err := d.RateLimit.rateLimit()
		if err != nil {
			return Settings{}, fmt.Errorf("stored settings: %w", err)
		}
		s.RateLimit = r
	}
	if d.Callbacks != nil {
		c, err := d.Callbacks.callbacks()
		if err != nil {
			return Settings{}, fmt.Errorf("stored settings: %w", err)
		}
		s.Callbacks = c
	}
	if len(d.Rules) > 0 && string(d.Rules) != "null" {
		rs, err := decodeRules(d.Rules)
		if err != nil {
			return Settings{}, fmt.Errorf("stored settings: %w", err)
		}
		s.Rules = rs
	}
	return s, nil
}
