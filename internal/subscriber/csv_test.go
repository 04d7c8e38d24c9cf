package subscriber

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestReadSubscribersCSV(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		emails   []string
		statuses []Status
		names    []string
		rejected []int // line numbers
	}{
		{
			name:     "mailchimp export",
			in:       "\ufeffEmail Address,First Name,Last Name,MEMBER_RATING\nann@example.com,Ann,Lee,2\nbob@example.org,Bob,,1\n",
			emails:   []string{"ann@example.com", "bob@example.org"},
			statuses: []Status{"", ""}, // no status column: the caller decides
			names:    []string{"Ann Lee", "Bob"},
		},
		{
			name:     "listmonk export",
			in:       "uuid,email,name,attributes,status,created_at\nx,ann@example.com,Ann,{},enabled,2020\ny,bob@example.org,Bob,{},blocklisted,2020\n",
			emails:   []string{"ann@example.com", "bob@example.org"},
			statuses: []Status{Active, Unsubscribed},
			names:    []string{"Ann", "Bob"},
		},
		{
			name:     "bad rows are reported with their lines",
			in:       "email,name,status\nann@example.com,Ann,active\nnot-an-address,X,active\ncat@example.com,Cat,sleeping\ndan@example.com,Da\"n\nANN@example.com,Ann again,active\n",
			emails:   []string{"ann@example.com"},
			statuses: []Status{Active},
			names:    []string{"Ann"},
			rejected: []int{3, 4, 5, 6},
		},
		{
			name:     "header injection in a name",
			in:       "email,name\neve@example.com,\"Eve\r\nBcc: all@example.com\"\n",
			rejected: []int{2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subs, rejected, err := ReadCSV(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var lines []int
			for _, r := range rejected {
				lines = append(lines, r.Line)
			}
			if !equalInts(lines, tt.rejected) {
				t.Errorf("rejected lines = %v (%v), want %v", lines, rejected, tt.rejected)
			}
			if len(subs) != len(tt.emails) {
				t.Fatalf("got %d subscribers, want %d: %+v", len(subs), len(tt.emails), subs)
			}
			for i, s := range subs {
				if s.Email != tt.emails[i] || s.Status != tt.statuses[i] || s.Name != tt.names[i] || s.Source != SourceImport {
					t.Errorf("row %d = %q %q %q %q", i, s.Email, s.Status, s.Name, s.Source)
				}
			}
		})
	}
}

func TestReadSubscribersCSVNeedsEmailColumn(t *testing.T) {
	_, _, err := ReadCSV(strings.NewReader("name,status\nAnn,active\n"))
	if err == nil || !strings.Contains(err.Error(), "no email column") {
		t.Fatalf("err = %v, want one naming the missing email column", err)
	}
}

func TestSubscribersCSVRoundTrip(t *testing.T) {
	in := []Subscriber{
		{Email: "Ann@Example.com", Name: "Ann, \"the\" first", Status: Active, Topics: []string{"tag:go", "author:mike"}},
		{Email: "bob@example.org", Status: Unsubscribed, CreatedAt: time.Date(2019, 5, 6, 7, 8, 9, 0, time.UTC)},
	}
	var buf bytes.Buffer
	calls := 0
	n, err := WriteCSV(&buf, func() ([]Subscriber, error) {
		calls++
		if calls == 1 {
			return in, nil
		}
		return nil, nil
	})
	if err != nil || n != 2 {
		t.Fatalf("write: n=%d err=%v", n, err)
	}
	out, rejected, err := ReadCSV(&buf)
	if err != nil || len(rejected) > 0 {
		t.Fatalf("read back: %v %v", err, rejected)
	}
	for i := range in {
		if out[i].Email != in[i].Email || out[i].Name != in[i].Name || out[i].Status != in[i].Status ||
			strings.Join(out[i].Topics, " ") != strings.Join(in[i].Topics, " ") || !out[i].CreatedAt.Equal(in[i].CreatedAt) {
			t.Errorf("row %d: wrote %+v, read %+v", i, in[i], out[i])
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
