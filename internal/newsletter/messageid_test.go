package newsletter

import (
	"context"
	"math/rand/v2"
	"net/mail"
	"regexp"
	"testing"
	"time"
)

// TestMessageIDsOfFreshInstallsNeverCollide is a property test: many fresh
// installs (each its own SQLite database, so their issue and subscriber row
// ids are the same) mint Message-IDs for the same random issues, times and
// subscribers, and no id is ever minted twice, while one install always
// mints the same id for the same delivery (a resent copy).
func TestMessageIDsOfFreshInstallsNeverCollide(t *testing.T) {
	const installs, deliveries = 60, 50
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	type delivery struct {
		issue, sub int64
		at         time.Time
	}
	ds := make([]delivery, deliveries)
	for i := range ds {
		ds[i] = delivery{rng.Int64N(5) + 1, rng.Int64N(5) + 1, t0.Add(time.Duration(rng.IntN(3)) * 24 * time.Hour)}
	}
	seen := map[string]int{}
	shape := regexp.MustCompile(`^herald\.i\d+\.s\d+\.t[0-9a-z]+\.[a-z2-7]{16}@blog\.example\.com$`)
	for i := range installs {
		f := newFixture(t)
		n := f.engine(daily(t), nil)
		install, err := n.installID(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		mine := map[delivery]string{}
		for _, d := range ds {
			id := n.messageID(install, d.issue, d.at, d.sub)
			if prev, ok := mine[d]; ok {
				if prev != id {
					t.Fatalf("install %d minted %q and %q for the same delivery", i, prev, id)
				}
				continue
			}
			mine[d] = id
			if !shape.MatchString(id) {
				t.Fatalf("Message-ID %q is not herald.i<issue>.s<sub>.t<time>.<install>@domain", id)
			}
			if _, err := mail.ParseAddress("<" + id + ">"); err != nil {
				t.Fatalf("Message-ID %q is not an addr-spec: %v", id, err)
			}
			if other, ok := seen[id]; ok {
				t.Fatalf("installs %d and %d both minted %q", other, i, id)
			}
			seen[id] = i
		}
		// Opened again, the install keeps its id: a resend has the same one.
		again := f.engine(daily(t), nil)
		if got, err := again.installID(ctx, true); err != nil || got != install {
			t.Fatalf("reopened install id %q, %v; want %q", got, err, install)
		}
	}
	if len(seen) < installs*2 {
		t.Fatalf("only %d distinct ids: the deliveries hardly vary", len(seen))
	}
}

// TestMessageIDsDifferAfterARestore: a restored backup repeats issue row
// ids, but its next issue is a later run, so its ids are new.
func TestMessageIDsDifferAfterARestore(t *testing.T) {
	f := newFixture(t)
	n := f.engine(daily(t), nil)
	install, err := n.installID(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := n.messageID(install, 7, nineAM(0), 3), n.messageID(install, 7, nineAM(1), 3); a == b {
		t.Errorf("issue 7 of two runs has one Message-ID %q", a)
	}
}
