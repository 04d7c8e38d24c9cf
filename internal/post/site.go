package post

// Generator names the static site generator whose site holds the posts.
type Generator string

const (
	Hugo   Generator = "hugo"
	Jekyll Generator = "jekyll"
)

// Site is what herald knows of the Hugo or Jekyll site the posts folder
// lies in (package siteconfig reads it). It changes how files are read:
// which are pages rather than posts, how URLs are built, what Liquid
// variables and includes expand to. A nil *Site in Options means a plain
// folder of Markdown files.
type Site struct {
	Generator Generator
	// Prefix is the posts folder relative to Hugo's content folder or
	// Jekyll's site folder, slash-separated: "" when Dir is that folder,
	// else e.g. "posts" or "_posts". A post's Hugo section and Jekyll
	// categories from folders are read from Prefix + its path.
	Prefix string
	// Permalinks are the generator's permalink patterns in its own syntax:
	// Hugo's by section (":year/:month/:slug/"), Jekyll's under "posts".
	// A section without one uses the generator's default.
	Permalinks map[string]string
	// DisablePathToLower keeps the case of Hugo paths (Hugo's
	// disablePathToLower); Hugo lowercases them by default.
	DisablePathToLower bool
	// UglyURLs makes Hugo's paths end in .html instead of "/", for every
	// section, or for those UglySections says.
	UglyURLs     bool
	UglySections map[string]bool
	// PathPrefix comes before every Hugo path ("/fr" for a language Hugo
	// serves under its own folder); "" for none.
	PathPrefix string
	// Vars are the site's own settings as text, by lowercase dotted key
	// ("title", "repository", "author.name"): Jekyll's {{ site.KEY }} and
	// Hugo's {{< param KEY >}} read them.
	Vars map[string]string
	// Includes is the absolute path of Jekyll's _includes folder; "" for
	// none.
	Includes string
}

func (s *Site) generator() Generator {
	if s == nil {
		return ""
	}
	return s.Generator
}
