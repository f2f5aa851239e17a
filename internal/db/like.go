package db

import "strings"

// LikeContains is a LIKE pattern matching s, lower-cased, anywhere in a
// text, with LIKE's own wildcards in s escaped: use it as
// `lower(col) LIKE $1 ESCAPE '\'` on either engine, so that an address
// such as a_b@example.org matches only itself and not axb@example.org.
func LikeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}
