package post

// postImpl holds the lazily rendered parts of a Post. The post package's
// owner replaces this with the real implementation (raw body, sync.Once,
// cached HTML and summary).
type postImpl struct{}

// ContentHTML returns the body rendered to HTML with relative links and
// image sources made absolute from the permalink. Safe for concurrent use;
// rendered once.
func (p *Post) ContentHTML() string { return "" }

// Summary returns the plain-text summary: front matter summary/description,
// else the text before <!--more-->, else the first paragraph, trimmed to the
// configured word count. Safe for concurrent use.
func (p *Post) Summary() string { return "" }
