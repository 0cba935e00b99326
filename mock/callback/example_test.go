package callback_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/mockapi-go/mockapi/mock/callback"
)

// Expand evaluates a callback key against the request that fired it and
// its answer.
func ExampleExpand() {
	src := &callback.Source{
		Body:         []byte(`{"callbackUrl": "https://hooks.example.com/orders"}`),
		ResponseBody: []byte(`{"id": 42}`),
	}
	u, err := callback.Expand("{$request.body#/callbackUrl}/{$response.body#/id}/shipped", src)
	fmt.Println(u, err)
	// Output: https://hooks.example.com/orders/42/shipped <nil>
}

// A Dispatcher sends in the background, retries failures, and journals
// each attempt.
func ExampleDispatcher() {
	calls := 0
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // retried
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer receiver.Close()
	d, err := callback.New(callback.Options{AllowPrivate: true, Retries: 3, RetryWait: time.Millisecond})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	d.Send(callback.Request{Callback: "onPaid", Method: "POST", URL: receiver.URL + "/hook", Body: []byte(`{}`)})
	if err := d.Wait(context.Background()); err != nil {
		panic(err)
	}
	for _, e := range d.Deliveries() {
		fmt.Println(e.Callback, "attempt", e.Attempt, e.Status, e.OK())
	}
	// Private and loopback destinations are refused unless allowed.
	strict, _ := callback.New(callback.Options{})
	defer strict.Close()
	strict.Send(callback.Request{Method: "POST", URL: "http://169.254.169.254/latest/meta-data"})
	fmt.Println(strict.Deliveries()[0].Err)
	// Output:
	// onPaid attempt 1 503 false
	// onPaid attempt 2 200 true
	// destination refused: 169.254.169.254 is not an address outbound calls may reach
}
