package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// csvColumns maps the header names used by herald, Mailchimp and listmonk
// exports to the fields herald imports.
var csvColumns = map[string]string{
	"email": "email", "email address": "email", "e-mail": "email", "e-mail address": "email",
	"name": "name", "full name": "name",
	"first name": "first", "fname": "first", "last name": "last", "lname": "last",
	"status": "status", "member_status": "status", "subscription status": "status",
	"topics":     "topics",
	"created_at": "created", "optin_time": "created", "timestamp_opt": "created",
}

// importStatus maps the status words of herald, Mailchimp and listmonk.
var importStatus = map[string]subscriber.Status{
	"": subscriber.Active, "active": subscriber.Active, "subscribed": subscriber.Active,
	"enabled": subscriber.Active, "confirmed": subscriber.Active,
	"pending": subscriber.Pending, "unconfirmed": subscriber.Pending,
	"unsubscribed": subscriber.Unsubscribed, "blocklisted": subscriber.Unsubscribed,
	"disabled": subscriber.Unsubscribed,
	"bounced":  subscriber.Bounced, "cleaned": subscriber.Bounced,
}

// rowError is one rejected CSV row.
type rowError struct {
	Line int
	Msg  string
}

func (r rowError) Error() string { return fmt.Sprintf("line %d: %s", r.Line, r.Msg) }

// readSubscribersCSV reads a header row and then one subscriber a row. It
// returns the good rows and every rejected row with its line number; err is
// only for a file that cannot be read as CSV at all.
func readSubscribersCSV(r io.Reader) (subs []subscriber.Subscriber, rejected []rowError, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("read csv header: %w", err)
	}
	cols, err := mapColumns(header)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return subs, rejected, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rejected = append(rejected, rowError{pe.Line, pe.Err.Error()})
				continue
			}
			return nil, nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		s, msg := rowSubscriber(rec, cols)
		if msg == "" && seen[s.EmailKey] != 0 {
			msg = fmt.Sprintf("%s repeats line %d", s.Email, seen[s.EmailKey])
		}
		if msg != "" {
			rejected = append(rejected, rowError{line, msg})
			continue
		}
		seen[s.EmailKey] = line
		subs = append(subs, s)
	}
}

func mapColumns(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if f, ok := csvColumns[h]; ok {
			if _, dup := cols[f]; !dup {
				cols[f] = i
			}
		}
	}
	if _, ok := cols["email"]; !ok {
		return nil, fmt.Errorf("csv header %q has no email column (expected one of: email, Email Address)", strings.Join(header, ","))
	}
	return cols, nil
}

func rowSubscriber(rec []string, cols map[string]int) (subscriber.Subscriber, string) {
	get := func(f string) string {
		if i, ok := cols[f]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	email := get("email")
	key, err := subscriber.Normalize(email)
	if err != nil {
		return subscriber.Subscriber{}, err.Error()
	}
	status, ok := importStatus[strings.ToLower(get("status"))]
	if _, has := cols["status"]; !has {
		status = "" // decided by the caller (-status)
	}
	if !ok {
		return subscriber.Subscriber{}, fmt.Sprintf("unknown status %q (use active, pending, unsubscribed or bounced)", get("status"))
	}
	name := get("name")
	if name == "" {
		name = strings.TrimSpace(get("first") + " " + get("last"))
	}
	if strings.ContainsAny(name, "\r\n") || len(name) > 200 {
		return subscriber.Subscriber{}, "name has a line break or is longer than 200 characters"
	}
	return subscriber.Subscriber{
		Email: email, EmailKey: key, Name: name, Status: status,
		Topics: splitTopics(get("topics")), Source: subscriber.SourceImport,
		CreatedAt: parseCSVTime(get("created")),
	}, ""
}

// parseCSVTime reads the subscription date of herald, Mailchimp
// (OPTIN_TIME) and listmonk (created_at) exports; a date it cannot read is
// left out (the import's time is used), not a reason to reject the row.
func parseCSVTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func splitTopics(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ';' || r == ',' }) {
		out = append(out, t)
	}
	return out
}

var exportHeader = []string{"email", "name", "status", "topics", "source", "created_at", "confirmed_at", "unsubscribed_at"}

// writeSubscribersCSV writes subscribers in the format readSubscribersCSV
// reads back.
func writeSubscribersCSV(w io.Writer, next func() ([]subscriber.Subscriber, error)) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(exportHeader); err != nil {
		return 0, err
	}
	n := 0
	for {
		batch, err := next()
		if err != nil {
			return n, err
		}
		if len(batch) == 0 {
			cw.Flush()
			return n, cw.Error()
		}
		for _, s := range batch {
			cw.Write([]string{s.Email, s.Name, string(s.Status), strings.Join(s.Topics, " "), string(s.Source),
				csvTime(s.CreatedAt), csvTime(s.ConfirmedAt), csvTime(s.UnsubscribedAt)})
			n++
		}
	}
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// pages returns a next function for writeSubscribersCSV that reads the
// store in keyset pages, so memory stays flat with the list's size.
func pages(ctx context.Context, st store.Store, f store.ListFilter) func() ([]subscriber.Subscriber, error) {
	f.Limit = 1000
	return func() ([]subscriber.Subscriber, error) {
		batch, err := st.ListSubscribers(ctx, f)
		if len(batch) > 0 {
			f.AfterID = batch[len(batch)-1].ID
		}
		return batch, err
	}
}
