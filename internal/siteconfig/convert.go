package siteconfig

import "github.com/heraldhq/herald/internal/post"

// PostSite is s as post.Options.Site; nil for a nil s.
func (s *Site) PostSite() *post.Site {
	if s == nil {
		return nil
	}
	return &post.Site{
		Generator: post.Generator(s.Generator), Prefix: s.Prefix, Permalinks: s.Permalinks,
		DisablePathToLower: s.DisablePathToLower, UglyURLs: s.UglyURLs, UglySections: s.UglySections,
		PathPrefix: s.PathPrefix, Vars: s.Vars, Includes: s.Includes,
	}
}

// PostAuthors is s's _data/authors.yml as post.Options.DataAuthors; nil
// when there is none.
func (s *Site) PostAuthors() map[string]post.Author {
	if s == nil || s.Authors == nil {
		return nil
	}
	out := make(map[string]post.Author, len(s.Authors))
	for k, a := range s.Authors {
		out[k] = post.Author{Key: k, Name: a.Name, Email: a.Email, URL: a.URL, Bio: a.Bio}
	}
	return out
}
