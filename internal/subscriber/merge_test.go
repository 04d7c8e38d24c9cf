package subscriber

import (
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	cases := []struct {
		name    string
		known   Subscriber
		in      Subscriber
		changed bool
		want    Subscriber
	}{
		{"new name", Subscriber{Status: Active, Name: "A"}, Subscriber{Name: "B"}, true,
			Subscriber{Status: Active, Name: "B"}},
		{"empty name keeps", Subscriber{Status: Active, Name: "A"}, Subscriber{}, false,
			Subscriber{Status: Active, Name: "A"}},
		{"same topics", Subscriber{Status: Pending, Topics: []string{"tag:go"}}, Subscriber{Topics: []string{"tag:go"}}, false,
			Subscriber{Status: Pending, Topics: []string{"tag:go"}}},
		{"unsubscribed frozen", Subscriber{Status: Unsubscribed}, Subscriber{Name: "B", Status: Active}, false,
			Subscriber{Status: Unsubscribed}},
		{"bounced frozen", Subscriber{Status: Bounced}, Subscriber{Topics: []string{"tag:go"}}, false,
			Subscriber{Status: Bounced}},
	}
	for _, tc := range cases {
		known := tc.known
		if changed := Merge(&known, tc.in); changed != tc.changed || !reflect.DeepEqual(known, tc.want) {
			t.Errorf("%s: Merge = %v, %+v; want %v, %+v", tc.name, changed, known, tc.changed, tc.want)
		}
	}
}
