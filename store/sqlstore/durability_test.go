package sqlstore_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

const durabilityChild = "MOCKAPI_DURABILITY_CHILD"

// TestDurability kills a writer with SIGKILL mid-stream: reopening the
// SQLite file finds every write the writer acknowledged.
func TestDurability(t *testing.T) {
	if dsn := os.Getenv(durabilityChild); dsn != "" {
		writeForever(dsn)
		return
	}
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "state.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestDurability$")
	cmd.Env = append(os.Environ(), durabilityChild+"="+dsn)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	const acks = 300
	acked := -1
	lines := bufio.NewScanner(out)
	for acked < acks-1 && lines.Scan() {
		if n, ok := strings.CutPrefix(lines.Text(), "ack "); ok {
			acked, err = strconv.Atoi(n)
			require.NoError(t, err)
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	require.Equal(t, acks-1, acked, "the writer acknowledged %d writes", acked+1)

	s, err := open(t.Context(), dsn)
	require.NoError(t, err)
	defer s.Close()
	for i := 0; i <= acked; i++ {
		_, err := s.Records().Get(t.Context(), store.Scope{Project: "p"}, "c", fmt.Sprint(i))
		require.NoError(t, err, "acknowledged write %d", i)
	}
}

// writeForever creates records and acknowledges each on stdout until killed.
func writeForever(dsn string) {
	s, err := open(context.Background(), dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		if _, err := s.Records().Create(context.Background(), store.Scope{Project: "p"}, "c", fmt.Sprint(i), []byte(`{"i":1}`)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("ack %d\n", i)
	}
}
