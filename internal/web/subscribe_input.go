package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/subscriber"
)

// Limits on what the subscribe form accepts.
const (
	maxNameLen   = 100 // characters
	maxTopics    = 100
	maxTopicLen  = 200 // bytes, prefix included
	honeypotName = "website"
)

// errFormTooLarge marks input refused by the body limit.
var errFormTooLarge = errors.New("request body too large")

// subscribeInput is one subscribe request, from a form or JSON.
type subscribeInput struct {
	Email    string   `json:"email"`
	Name     string   `json:"name"`
	Topics   []string `json:"topics"`
	Honeypot string   `json:"website"`

	emailKey string // set by validate
	asJSON   bool
}

// readSubscribe reads a subscribe request body: JSON when the Content-Type
// says so, else a URL-encoded or multipart form.
func readSubscribe(r *http.Request) (subscribeInput, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		in := subscribeInput{asJSON: true}
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&in); err != nil {
			return in, bodyError("read subscribe json", err)
		}
		return in, nil
	}
	if err := parseForm(r); err != nil {
		return subscribeInput{}, bodyError("read subscribe form", err)
	}
	f := r.PostForm
	return subscribeInput{Email: f.Get("email"), Name: f.Get("name"), Topics: f["topics"], Honeypot: f.Get(honeypotName)}, nil
}

// parseForm fills r.PostForm from a URL-encoded or multipart body (RFC
// 8058 allows both for one-click unsubscribes). Past the body limit the
// error satisfies isTooLarge.
func parseForm(r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		return r.ParseMultipartForm(1 << 20)
	}
	return r.ParseForm()
}

func bodyError(step string, err error) error {
	if isTooLarge(err) {
		return fmt.Errorf("%s: %w: %w", step, errFormTooLarge, err)
	}
	return fmt.Errorf("%s: %w", step, err)
}

// validate checks every field and sets emailKey. The error is a sentence
// fit for the person who filled the form.
func (in *subscribeInput) validate() error {
	key, err := subscriber.Normalize(in.Email)
	if err != nil {
		return err
	}
	in.Email, in.emailKey = strings.TrimSpace(in.Email), key
	in.Name = strings.TrimSpace(in.Name)
	if err := checkName(in.Name); err != nil {
		return err
	}
	in.Topics, err = checkTopics(in.Topics)
	return err
}

// checkName refuses names that are too long, not UTF-8 or hold control
// characters (CR and LF among them: the name goes into the To header).
func checkName(name string) error {
	switch {
	case !utf8.ValidString(name):
		return errors.New("the name is not valid text")
	case utf8.RuneCountInString(name) > maxNameLen:
		return fmt.Errorf("the name is longer than %d characters", maxNameLen)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errors.New("the name contains control characters such as line breaks")
	}
	return nil
}

// checkTopics returns topics without duplicates or empty entries, or an
// error when one is not "tag:<tag>" or "author:<key>".
func checkTopics(topics []string) ([]string, error) {
	if len(topics) > maxTopics {
		return nil, fmt.Errorf("more than %d topics", maxTopics)
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range topics {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		kind, value, _ := strings.Cut(t, ":")
		if (kind != "tag" && kind != "author") || value == "" || len(t) > maxTopicLen ||
			!utf8.ValidString(t) || strings.IndexFunc(t, unicode.IsControl) >= 0 {
			return nil, fmt.Errorf("topic %q is not like tag:name or author:key", t)
		}
		seen[t] = true
		out = append(out, t)
	}
	return out, nil
}
