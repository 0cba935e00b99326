package store_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// A visitor session sees base data plus its own writes; base data stays.
func Example_sessions() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()
	r := s.Records()

	base := store.Scope{Project: "petstore"}
	visitor := store.Scope{Project: "petstore", Session: "visitor-1"}
	r.Create(ctx, base, "pets", "1", []byte(`{"name":"Rex"}`))
	r.Patch(ctx, visitor, "pets", "1", []byte(`{"name":"Max"}`))
	r.Create(ctx, visitor, "pets", "2", []byte(`{"name":"Tom"}`))

	for _, sc := range []store.Scope{base, visitor} {
		p, _ := r.List(ctx, sc, "pets", store.Query{})
		fmt.Printf("%q:", sc.Session)
		for _, rec := range p.Records {
			fmt.Printf(" %s=%s", rec.ID, rec.Data)
		}
		fmt.Println()
	}
	r.DeleteSession(ctx, "petstore", "visitor-1")
	n, _ := r.Count(ctx, visitor, "pets", store.Query{})
	fmt.Println("after the session ends:", n)
	// Output:
	// "": 1={"name":"Rex"}
	// "visitor-1": 1={"name":"Max"} 2={"name":"Tom"}
	// after the session ends: 1
}

// Updates carry the version they were read at; a stale one is refused.
func Example_optimisticConcurrency() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	p := &store.Project{Name: "petstore", Visibility: store.Private}
	s.Projects().Create(ctx, p)
	a, _ := s.Projects().Get(ctx, p.ID)
	b, _ := s.Projects().Get(ctx, p.ID)

	a.Visibility = store.Public
	fmt.Println(s.Projects().Update(ctx, a), a.Version-p.Version)
	b.Name = "renamed"
	err := s.Projects().Update(ctx, b)
	fmt.Println(errors.Is(err, store.ErrConflict))
	// Output:
	// <nil> 1
	// true
}

// A revoked key is refused on lookup; Get still shows it.
func Example_keys() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()

	k := &store.Key{Hash: "sha256:...", Prefix: "mk_live_ab", Name: "ci"}
	s.Keys().Create(ctx, k)
	found, _ := s.Keys().Lookup(ctx, "sha256:...")
	fmt.Println(found.Name)

	s.Keys().Revoke(ctx, k.ID, time.Now())
	_, err := s.Keys().Lookup(ctx, "sha256:...")
	fmt.Println(errors.Is(err, store.ErrNotFound))
	// Output:
	// ci
	// true
}

// Users join teams by invite: an invite stays pending until a user with
// its email accepts it, and a team with projects cannot be deleted.
func Example_teams() {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()
	ada := &store.User{Name: "Ada", Email: "ada@example.com"}
	_ = s.Users().Create(ctx, ada, &store.UserToken{Hash: "hash-of-adas-token"})
	_ = s.Teams().Create(ctx, &store.Team{ID: "core", Name: "Core"}, ada.ID)
	inv, _ := s.Teams().Invite(ctx, "core", "Bob@Example.com", store.RoleMember)

	bob := &store.User{Name: "Bob", Email: "bob@example.com"}
	_ = s.Users().Create(ctx, bob, &store.UserToken{Hash: "hash-of-bobs-token"})
	m, _ := s.Teams().Accept(ctx, inv.ID, bob.ID)
	fmt.Println(m.Role)
	in, _ := s.Teams().IsMember(ctx, bob.ID, "core")
	fmt.Println(in)

	_ = s.Projects().Create(ctx, &store.Project{ID: "orders", Name: "Orders", Visibility: store.Private, Team: "core"})
	err := s.Teams().Delete(ctx, "core")
	fmt.Println(errors.Is(err, store.ErrConflict))
	// Output:
	// member
	// true
	// true
}
