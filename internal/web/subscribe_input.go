package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/heraldhq/herald/internal/subscriber"
)

// honeypotName is the form field only robots fill in.
const honeypotName = "website"

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
	sub, err := subscriber.New(in.Email, in.Name, in.Topics, subscriber.SourceForm)
	if err != nil {
		return err
	}
	in.Email, in.emailKey, in.Name, in.Topics = sub.Email, sub.EmailKey, sub.Name, sub.Topics
	return nil
}
