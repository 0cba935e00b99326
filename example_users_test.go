package mockapi_test

import (
	"context"
	"fmt"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// A user token admits its user to the private projects of its teams, from
// the request after the user joins until the request after it leaves.
func ExampleServer_CreateUser() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	defer srv.Close()

	_, ada, _ := srv.CreateUser(ctx, "Ada", "ada@example.com")
	bobToken, bob, _ := srv.CreateUser(ctx, "Bob", "bob@example.com")
	if _, err := srv.CreateTeam(ctx, "core", "Core", ada.ID); err != nil {
		panic(err)
	}
	if _, err := srv.CreateProject(ctx, mockapi.NewProject{ID: "hello", Spec: []byte(spec), Owner: ada.ID}); err != nil {
		panic(err)
	}
	if _, err := srv.AssignProject(ctx, "core", "hello"); err != nil {
		panic(err)
	}

	fmt.Println(status(srv, "/p/hello/hello", "Authorization", "Bearer "+bobToken))
	_, _ = st.Teams().PutMember(ctx, "core", bob.ID, store.RoleMember)
	fmt.Println(status(srv, "/p/hello/hello", "Authorization", "Bearer "+bobToken))
	_ = st.Teams().RemoveMember(ctx, "core", bob.ID)
	fmt.Println(status(srv, "/p/hello/hello", "X-API-Key", bobToken))
	// Output:
	// 403
	// 200
	// 403
}

// A quota of requests per day answers 429 QUOTA_EXCEEDED once used up.
func ExampleServer_SetQuota() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	defer srv.Close()
	if _, err := srv.CreateProject(ctx, mockapi.NewProject{ID: "hello", Spec: []byte(spec), Visibility: store.Public}); err != nil {
		panic(err)
	}
	_ = srv.SetQuota(ctx, store.Quota{Subject: store.ProjectSubject("hello"), RequestsPerDay: 2})
	for range 3 {
		fmt.Println(status(srv, "/p/hello/hello"))
	}
	day, _, _ := srv.Usage(ctx, store.ProjectSubject("hello"))
	fmt.Println(day)
	// Output:
	// 200
	// 200
	// 429
	// 2
}
