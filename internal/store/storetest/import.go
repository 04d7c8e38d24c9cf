package storetest

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

func runImport(t *testing.T, open Opener) {
	t.Run("NeverResubscribes", func(t *testing.T) {
		f := newFixture(t, open)
		active := f.add("active@example.com", subscriber.Active)
		left := f.add("left@example.com", subscriber.Unsubscribed)
		bounced := f.add("bounced@example.com", subscriber.Bounced)
		same := f.add("same@example.com", subscriber.Pending)
		now := at(time.Hour)
		res, err := f.s.Import(f.ctx, []subscriber.Subscriber{
			{Email: "new@example.com", Name: "New", Status: subscriber.Active},
			{Email: "Active@example.com", Name: "Renamed", Topics: []string{"tag:go"}, Status: subscriber.Active},
			{Email: "left@example.com", Name: "Back", Status: subscriber.Active},
			{Email: "bounced@example.com", Status: subscriber.Active},
			{Email: "same@example.com"},
			{Email: "new@example.com", Name: "New"}, // twice in one file
		}, now)
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		wantEqual(t, "result", res, store.ImportResult{Added: 1, Updated: 1, Unchanged: 4})
		wantEqual(t, "unsubscribed", f.get(left.ID), left)
		wantEqual(t, "bounced", f.get(bounced.ID), bounced)
		wantEqual(t, "unchanged pending", f.get(same.ID), same)
		active.Name, active.Topics, active.UpdatedAt = "Renamed", []string{"tag:go"}, now
		wantEqual(t, "updated", f.get(active.ID), active)
		added, err := f.s.SubscriberByEmail(f.ctx, "new@example.com")
		if err != nil || added.Status != subscriber.Active || added.Source != subscriber.SourceImport || !added.ConfirmedAt.Equal(now) {
			t.Errorf("imported subscriber = %+v, %v; want active from import, confirmed at %v", added, err, now)
		}
	})
	t.Run("UnsubscribedRowIsKept", func(t *testing.T) {
		f := newFixture(t, open)
		if _, err := f.s.Import(f.ctx, []subscriber.Subscriber{{Email: "gone@example.com", Status: subscriber.Unsubscribed}}, t0); err != nil {
			t.Fatalf("Import: %v", err)
		}
		res, err := f.s.Import(f.ctx, []subscriber.Subscriber{{Email: "gone@example.com", Status: subscriber.Active}}, t0)
		got, _ := f.s.SubscriberByEmail(f.ctx, "gone@example.com")
		if err != nil || res.Unchanged != 1 || got.Status != subscriber.Unsubscribed {
			t.Errorf("re-import = %+v, %v, status %s; want unchanged, unsubscribed", res, err, got.Status)
		}
	})
	t.Run("BadRowRollsBackAll", func(t *testing.T) {
		f := newFixture(t, open)
		cases := map[string]subscriber.Subscriber{
			"bad email":      {Email: "bad@@example.com"},
			"header inject":  {Email: "x@example.com\r\nBcc: y@example.com"},
			"unknown status": {Email: "z@example.com", Status: "subscribed"},
		}
		for name, bad := range cases {
			_, err := f.s.Import(f.ctx, []subscriber.Subscriber{{Email: "ok@example.com"}, bad}, t0)
			if err == nil {
				t.Errorf("%s: Import accepted %q", name, bad.Email)
			}
		}
		_, err := f.s.SubscriberByEmail(f.ctx, "ok@example.com")
		wantErr(t, "row before the bad one", err, store.ErrNotFound)
	})
}
