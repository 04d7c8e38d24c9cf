package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	texttemplate "text/template"
)

// pageNames are the templates/pages/<name>.html files New requires, each
// rendered inside pages/layout.html.
var pageNames = []string{
	"home", "subscribe_done", "confirm", "confirmed",
	"unsubscribe", "unsubscribed", "preferences", "left", "error",
}

// emailNames are the emails New requires, each as email/<name>.txt (which
// defines "subject") and email/<name>.html.
var emailNames = []string{"confirm", "welcome"}

// views holds every parsed template and the stylesheet. Immutable.
type views struct {
	pages    map[string]*htmltemplate.Template
	textMail map[string]*texttemplate.Template
	htmlMail map[string]*htmltemplate.Template
	css      []byte
	cssETag  string
}

// CheckTemplates parses every page and email template of fsys as New
// does, for herald check, and returns an error for each file missing or
// broken, where New stops at the first.
func CheckTemplates(fsys fs.FS) []error {
	var errs []error
	readViews(fsys, func(err error) bool { errs = append(errs, err); return true })
	return errs
}

// parseViews parses every page and email of fsys; the error names the
// first file missing or broken.
func parseViews(fsys fs.FS) (*views, error) {
	var first error
	v := readViews(fsys, func(err error) bool { first = err; return false })
	return v, first
}

// readViews parses every page and email of fsys and reads the stylesheet,
// calling failed with each error until it returns false; the views are
// whole only when failed was never called.
func readViews(fsys fs.FS, failed func(error) bool) *views {
	v := &views{pages: map[string]*htmltemplate.Template{},
		textMail: map[string]*texttemplate.Template{}, htmlMail: map[string]*htmltemplate.Template{}}
	for _, name := range pageNames {
		t, err := htmltemplate.ParseFS(fsys, "pages/layout.html", "pages/"+name+".html")
		if err != nil && !failed(fmt.Errorf("parse page template %s: %w", name, err)) {
			return nil
		}
		v.pages[name] = t
	}
	for _, name := range emailNames {
		if err := v.parseEmail(fsys, name); err != nil && !failed(err) {
			return nil
		}
	}
	css, err := fs.ReadFile(fsys, "pages/style.css")
	if err != nil && !failed(fmt.Errorf("read stylesheet: %w", err)) {
		return nil
	}
	sum := sha256.Sum256(css)
	v.css, v.cssETag = css, `"`+hex.EncodeToString(sum[:16])+`"`
	return v
}

func (v *views) parseEmail(fsys fs.FS, name string) error {
	txt, err := texttemplate.ParseFS(fsys, "email/"+name+".txt")
	if err != nil {
		return fmt.Errorf("parse email template %s.txt: %w", name, err)
	}
	if txt.Lookup("subject") == nil {
		return fmt.Errorf("parse email template %s.txt: no {{define \"subject\"}}", name)
	}
	html, err := htmltemplate.ParseFS(fsys, "email/"+name+".html")
	if err != nil {
		return fmt.Errorf("parse email template %s.html: %w", name, err)
	}
	v.textMail[name], v.htmlMail[name] = txt, html
	return nil
}

// page renders page name with data into a buffer, so a template error
// never leaves half a page on the wire.
func (v *views) page(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := v.pages[name].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return nil, fmt.Errorf("render page %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// email renders email name: subject, text part and HTML part.
func (v *views) email(name string, data any) (subject, text, html string, err error) {
	var sb, tb, hb bytes.Buffer
	txt := v.textMail[name]
	if err = txt.ExecuteTemplate(&sb, "subject", data); err == nil {
		if err = txt.Execute(&tb, data); err == nil {
			err = v.htmlMail[name].Execute(&hb, data)
		}
	}
	if err != nil {
		return "", "", "", fmt.Errorf("render email %s: %w", name, err)
	}
	return sb.String(), tb.String(), hb.String(), nil
}
