package subscriber

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
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
var importStatus = map[string]Status{
	"": Active, "active": Active, "subscribed": Active,
	"enabled": Active, "confirmed": Active,
	"pending": Pending, "unconfirmed": Pending,
	"unsubscribed": Unsubscribed, "blocklisted": Unsubscribed,
	"disabled": Unsubscribed,
	"bounced":  Bounced, "cleaned": Bounced,
}

// RowError is one rejected CSV row.
type RowError struct {
	Line int
	Msg  string
}

func (r RowError) Error() string { return fmt.Sprintf("line %d: %s", r.Line, r.Msg) }

// ReadCSV reads a header row (herald's, Mailchimp's or listmonk's column
// names) and then one subscriber a row, checked by the same rules as the
// form (CheckName, CheckTopics, Normalize). It returns the good rows and
// every rejected row with its line number; err is only for a file that
// cannot be read as CSV at all. A row of a file without a status column
// has an empty Status: the caller decides.
func ReadCSV(r io.Reader) (subs []Subscriber, rejected []RowError, err error) {
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
				rejected = append(rejected, RowError{pe.Line, pe.Err.Error()})
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
			rejected = append(rejected, RowError{line, msg})
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

func rowSubscriber(rec []string, cols map[string]int) (Subscriber, string) {
	get := func(f string) string {
		if i, ok := cols[f]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	email := get("email")
	key, err := Normalize(email)
	if err != nil {
		return Subscriber{}, err.Error()
	}
	status, ok := importStatus[strings.ToLower(get("status"))]
	if _, has := cols["status"]; !has {
		status = "" // decided by the caller (-status)
	}
	if !ok {
		return Subscriber{}, fmt.Sprintf("unknown status %q (use active, pending, unsubscribed or bounced)", get("status"))
	}
	name := get("name")
	if name == "" {
		name = strings.TrimSpace(get("first") + " " + get("last"))
	}
	if name, err = CheckName(name); err != nil {
		return Subscriber{}, err.Error()
	}
	topics, err := CheckTopics(SplitTopics(get("topics")))
	if err != nil {
		return Subscriber{}, err.Error()
	}
	return Subscriber{
		Email: email, EmailKey: key, Name: name, Status: status,
		Topics: topics, Source: SourceImport,
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

var exportHeader = []string{"email", "name", "status", "topics", "source", "created_at", "confirmed_at", "unsubscribed_at"}

// WriteCSV writes the subscribers that next returns, batch by batch until
// an empty one, in the format ReadCSV reads back; it returns how many.
func WriteCSV(w io.Writer, next func() ([]Subscriber, error)) (int, error) {
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
