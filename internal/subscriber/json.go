package subscriber

import (
	"encoding/json"
	"io"
	"time"
)

// JSONSubscriber is the JSON form of a subscriber (`herald subscribers list
// -json`).
type JSONSubscriber struct {
	Email          string     `json:"email"`
	Name           string     `json:"name,omitempty"`
	Status         string     `json:"status"`
	Topics         []string   `json:"topics"`
	Source         string     `json:"source,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	ConfirmedAt    *time.Time `json:"confirmed_at,omitempty"`
	UnsubscribedAt *time.Time `json:"unsubscribed_at,omitempty"`
}

// WriteJSON writes every subscriber next returns, page by page, as one
// indented JSON array.
func WriteJSON(w io.Writer, next func() ([]Subscriber, error)) error {
	out := []JSONSubscriber{}
	for {
		batch, err := next()
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, s := range batch {
			out = append(out, JSONSubscriber{Email: s.Email, Name: s.Name, Status: string(s.Status),
				Topics: append([]string{}, s.Topics...), Source: string(s.Source), CreatedAt: s.CreatedAt.UTC(),
				ConfirmedAt: optTime(s.ConfirmedAt), UnsubscribedAt: optTime(s.UnsubscribedAt)})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
