package newsletter

import (
	"github.com/heraldhq/herald/internal/newsletter/skeleton"

	"bytes"
	"context"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	netmail "net/mail"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	texttemplate "text/template"
	"time"

	"github.com/heraldhq/herald/internal/mail"
	"github.com/heraldhq/herald/internal/post"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/subscriber"
)

// Template files, relative to Options.Templates.
const (
	htmlFile    = "email/newsletter.html"
	textFile    = "email/newsletter.txt"
	subjectFile = "email/subject.txt"
)

// Data is what the email templates receive.
type Data struct {
	Site       Site
	Subject    string // the rendered subject (for the HTML <title>)
	Subscriber Reader
	Posts      []PostData // newest first; never empty
	// IssueDate is the scheduled time of the issue in the schedule's zone.
	IssueDate      time.Time
	UnsubscribeURL string
	PreferencesURL string
	// Vacation is set when the run after this issue falls in a vacation.
	Vacation *VacationData
	// NextIssue is the next run that really sends; set with Vacation.
	NextIssue time.Time
}

// Reader is the recipient as the templates see them.
type Reader struct {
	Name  string
	Email string
}

// PostData is one post as the templates see it; URL is absolute.
type PostData struct {
	ID      string
	Title   string
	URL     string
	Date    time.Time
	Summary string
	Authors []string
	Tags    []string
	Content htmltemplate.HTML // the body as HTML with absolute links
}

// VacationData is the coming vacation, in the schedule's zone: back on
// Until, with the note (no final full stop), and Next, the first run that
// sends after it (zero when none is found); SameDay when Next falls on
// Until's calendar day, so that the notice names one date.
type VacationData struct {
	Until   time.Time
	Note    string
	Next    time.Time
	SameDay bool
}

type templateSet struct {
	html    *htmltemplate.Template
	text    *texttemplate.Template
	subject *texttemplate.Template
	size    atomic.Int64 // the largest buffer a render needed, to start the next at
	// plan renders an issue once per skeleton (package skeleton); nil when
	// the templates do not allow it, for the reason in whole.
	plan  *skeleton.Plan
	whole string
}

func funcs() map[string]any { return map[string]any{"join": strings.Join} }

// CheckTemplates parses the newsletter's templates of fsys and the
// subject (newsletter.subject; empty: the subject file) as New does, for
// herald check; the error names the file or the subject.
func CheckTemplates(fsys fs.FS, subject string) error {
	_, err := loadTemplates(fsys, subject)
	return err
}

// loadTemplates parses the three email templates; subject overrides the
// subject file when not empty.
func loadTemplates(fsys fs.FS, subject string) (*templateSet, error) {
	html, err := htmltemplate.New("newsletter.html").Funcs(funcs()).ParseFS(fsys, htmlFile)
	if err != nil {
		return nil, fmt.Errorf("parse email template %s: %w", htmlFile, err)
	}
	text, err := texttemplate.New("newsletter.txt").Funcs(funcs()).ParseFS(fsys, textFile)
	if err != nil {
		return nil, fmt.Errorf("parse email template %s: %w", textFile, err)
	}
	if subject == "" {
		raw, err := fs.ReadFile(fsys, subjectFile)
		if err != nil {
			return nil, fmt.Errorf("read email template %s: %w", subjectFile, err)
		}
		subject = string(raw)
	}
	subj, err := texttemplate.New("subject").Funcs(funcs()).Parse(subject)
	if err != nil {
		return nil, fmt.Errorf("parse subject template %q: %w", subject, err)
	}
	t := &templateSet{html: html, text: text, subject: subj}
	t.plan, t.whole = skeleton.New(skeleton.Templates{HTML: html, Text: text, Subject: subj},
		readerPaths[:], funcs(), &Data{Posts: []PostData{{}}})
	return t, nil
}

// render fills d.Subject and returns subject, HTML and text.
func (t *templateSet) render(d *Data) (subject, html, text string, err error) {
	var buf bytes.Buffer
	buf.Grow(int(t.size.Load()))
	defer func() { t.size.Store(max(t.size.Load(), int64(buf.Cap()))) }()
	if err := t.renderSubject(&buf, d); err != nil {
		return "", "", "", err
	}
	buf.Reset()
	if err := t.html.Execute(&buf, d); err != nil {
		return "", "", "", fmt.Errorf("render %s: %w", htmlFile, err)
	}
	html = buf.String()
	buf.Reset()
	if err := t.text.Execute(&buf, d); err != nil {
		return "", "", "", fmt.Errorf("render %s: %w", textFile, err)
	}
	return d.Subject, html, buf.String(), nil
}

// renderSubject fills d.Subject, using buf.
func (t *templateSet) renderSubject(buf *bytes.Buffer, d *Data) error {
	if err := t.subject.Execute(buf, d); err != nil {
		return fmt.Errorf("render subject: %w", err)
	}
	d.Subject = strings.Join(strings.Fields(buf.String()), " ")
	return nil
}

func postData(p *post.Post, loc *time.Location) PostData {
	d := PostData{ID: p.ID, Title: p.Title, URL: p.Permalink, Date: p.Date.In(loc),
		Summary: p.Summary(), Tags: p.Tags, Content: htmltemplate.HTML(p.ContentHTML())}
	for _, a := range p.Authors {
		d.Authors = append(d.Authors, cmpOr(a.Name, a.Key))
	}
	return d
}

// content is what every message of one issue shares.
type content struct {
	issueID  int64
	date     time.Time
	since    time.Time    // for the next issue: where its window starts
	posts    []*post.Post // newest first
	vacation *VacationData
	next     time.Time
	// skeletons are the renderings shared by the messages of this content.
	skeletons skeleton.Cache
}

// forTopics returns the posts of c matching topics (all when empty).
func (c *content) forTopics(topics []string) []*post.Post {
	if len(topics) == 0 {
		return c.posts
	}
	var out []*post.Post
	for _, p := range c.posts {
		if subscriber.Matches(topics, p.Tags, authorKeys(p)) {
			out = append(out, p)
		}
	}
	return out
}

// authorKeys lists the keys of p's authors.
func authorKeys(p *post.Post) []string {
	keys := make([]string, len(p.Authors))
	for i, a := range p.Authors {
		keys[i] = a.Key
	}
	return keys
}

// message renders the email of content c with posts (c's, or those of
// them a subscriber's topics select) for sub.
func (n *Newsletter) message(c *content, sub subscriber.Subscriber, posts []*post.Post, msgID string) (*mail.Message, error) {
	unsub, prefs := n.opts.Links(sub)
	subject, html, text, err := n.render(c, posts, &readerValues{sub.Name, sub.Email, unsub, prefs})
	if err != nil {
		return nil, err
	}
	return &mail.Message{
		From: n.opts.From, To: netmail.Address{Name: sub.Name, Address: sub.Email}, ReplyTo: n.opts.ReplyTo,
		Subject: subject, HTML: html, Text: text, MessageID: msgID, Date: n.now(),
		Headers: append(mail.UnsubscribeHeaders(unsub), mail.Header{Name: "List-Id", Value: n.opts.ListID}),
	}, nil
}

// render renders the templates for posts of c and a reader with values v:
// from the skeleton of the posts and v's shape when the templates allow it,
// whole otherwise (which also meets any error the skeleton met, or shows
// there was none).
func (n *Newsletter) render(c *content, posts []*post.Post, v *readerValues) (subject, html, text string, err error) {
	standIn := func(values []string) (any, string, error) {
		var sv readerValues
		copy(sv[:], values)
		d := n.data(c, posts, &sv)
		err := n.tpl.renderSubject(&bytes.Buffer{}, d)
		return d, d.Subject, err
	}
	if subject, html, text, ok := n.tpl.plan.Render(&c.skeletons, topicGroup(c, posts), v[:], standIn); ok {
		return subject, html, text, nil
	}
	return n.tpl.render(n.data(c, posts, v))
}

// topicGroup names posts (of c) among the skeletons of c.
func topicGroup(c *content, posts []*post.Post) string {
	if slices.Equal(posts, c.posts) {
		return ""
	}
	var b strings.Builder
	for _, p := range posts {
		b.WriteString("\x00" + p.ID)
	}
	return b.String()
}

// readerField is one per-subscriber value of Data.
type readerField int

const (
	fieldName readerField = iota
	fieldEmail
	fieldUnsubscribe
	fieldPreferences
	readerFields
)

// readerPaths are the field paths of the readerFields, as templates write
// them after the dot or $.
var readerPaths = [readerFields][]string{
	{"Subscriber", "Name"}, {"Subscriber", "Email"}, {"UnsubscribeURL"}, {"PreferencesURL"},
}

// readerValues are one subscriber's readerFields.
type readerValues [readerFields]string

func (v *readerValues) set(d *Data) {
	d.Subscriber = Reader{Name: v[fieldName], Email: v[fieldEmail]}
	d.UnsubscribeURL, d.PreferencesURL = v[fieldUnsubscribe], v[fieldPreferences]
}

// data is what the templates see for posts of c and a reader with values v.
func (n *Newsletter) data(c *content, posts []*post.Post, v *readerValues) *Data {
	loc := n.schedule().Location()
	d := &Data{Site: n.opts.Site, IssueDate: c.date.In(loc), Vacation: c.vacation, NextIssue: c.next}
	v.set(d)
	for _, p := range posts {
		d.Posts = append(d.Posts, postData(p, cmpOr(n.opts.Site.Location, loc)))
	}
	return d
}

// messageID is derived from the issue, its scheduled time, the subscriber
// and the store's install id only, on the sender's domain, so a resent copy
// carries the same Message-ID while another database (whose row ids repeat
// ours) or a restored backup (whose next issues repeat ids already mailed,
// but not their times) mints others. Per-post issues are issues of their
// own, so the post is part of the issue id. install is installID's.
func (n *Newsletter) messageID(install string, issueID int64, at time.Time, subscriberID int64) string {
	return fmt.Sprintf("herald.i%d.s%d.t%s.%s@%s", issueID, subscriberID, strconv.FormatInt(at.Unix(), 36),
		install, domainOf(n.opts.From.Address))
}

// installID returns the store's install id, storing a fresh one first
// when write is true and there is none. With write false (a preview or a
// dry run, which must not write) a store without one gets a random
// stand-in.
func (n *Newsletter) installID(ctx context.Context, write bool) (string, error) {
	n.mu.Lock()
	id := n.install
	n.mu.Unlock()
	if id != "" {
		return id, nil
	}
	if !write {
		id, err := store.InstallID(ctx, n.opts.Store)
		if errors.Is(err, store.ErrNotFound) {
			return store.NewInstallID(), nil
		}
		return id, err
	}
	id, err := store.EnsureInstallID(ctx, n.opts.Store)
	if err != nil {
		return "", err
	}
	n.mu.Lock()
	n.install = id
	n.mu.Unlock()
	return id, nil
}
