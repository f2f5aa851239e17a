package article

import (
	"context"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"unicode"

	"github.com/coopress/coopress/internal/db"
)

// MaxQueryLen bounds a search query; longer input is refused by the web
// layer before it gets here, and cut here as a second guard.
const MaxQueryLen = 200

// maxTerms bounds how many words of a query are searched for.
const maxTerms = 12

// MaxHits bounds how many matches are ranked, newest first: a word found
// in most of 100,000 articles would otherwise be ranked 100,000 times for
// every search. Readers of a paper want what is recent; older matches stay
// reachable through more words, sections and tags.
const MaxHits = 2000

// Hit is one search result: the article and highlighted snippets, already
// escaped, with matches wrapped in <mark>.
type Hit struct {
	Article  Article
	Headline template.HTML
	Snippet  template.HTML
}

// SearchPage is one page of search results.
type SearchPage struct {
	Query   string
	Terms   []string
	Hits    []Hit
	Number  int
	PerPage int
	Total   int
	// Capped is set when more articles match than were ranked (MaxHits);
	// Total is then MaxHits.
	Capped bool
}

// Pages is how many pages of results there are.
func (p SearchPage) Pages() int {
	if p.PerPage <= 0 || p.Total == 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// Terms splits a reader's query into plain words. Only letters and digits
// survive, so nothing a reader types can be read as FTS5 or tsquery syntax
// (quotes, NEAR(, column filters, operators): the words are then quoted.
func Terms(q string) []string {
	if len(q) > MaxQueryLen {
		q = q[:MaxQueryLen]
	}
	q = strings.ToValidUTF8(q, " ")
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		w = strings.ToLower(w)
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == maxTerms {
			break
		}
	}
	return out
}

// Markers stand for <mark> and </mark> inside the database's snippet text,
// which is then escaped before they are turned into tags; so the text of an
// article can never inject markup through a snippet.
const (
	markOpen  = "\x02"
	markClose = "\x03"
)

func highlight(s string) template.HTML {
	s = template.HTMLEscapeString(s)
	s = strings.ReplaceAll(s, markOpen, "<mark>")
	s = strings.ReplaceAll(s, markClose, "</mark>")
	return template.HTML(s) // escaped above; only our markers become tags
}

// Search finds published articles matching every word of q, best first, with
// highlighted headline and snippet. An empty or wordless query has no hits.
func (s *Store) Search(ctx context.Context, q string, page, perPage int) (SearchPage, error) {
	if page < 1 {
		page = 1
	}
	if perPage < 1 || perPage > 50 {
		perPage = 10
	}
	res := SearchPage{Query: q, Terms: Terms(q), Number: page, PerPage: perPage}
	if len(res.Terms) == 0 {
		return res, nil
	}
	var countSQL, hitSQL string
	var match any
	if s.db.Dialect() == db.Postgres {
		// Terms hold only letters and digits, so joining them with & is a
		// query of words and nothing else; the last may be half typed.
		match = strings.Join(res.Terms, " & ") + ":*"
		countSQL = `SELECT COUNT(*) FROM (SELECT 1 FROM articles a WHERE a.status = 'published'
			AND a.search @@ to_tsquery('english', $1) LIMIT ` + strconv.Itoa(MaxHits+1) + `) c`
		// As on SQLite, only the newest matches are ranked.
		hitSQL = `WITH q AS (SELECT to_tsquery('english', $1) AS q),
			recent AS (SELECT a.id, a.search, a.published_at FROM articles a, q
				WHERE a.status = 'published' AND a.search @@ q.q ORDER BY a.id DESC LIMIT ` + strconv.Itoa(4*MaxHits) + `),
			hits AS (SELECT r.id, ts_rank(r.search, q.q) AS rank FROM recent r, q
				ORDER BY rank DESC, r.published_at DESC LIMIT $2 OFFSET $3)
			SELECT ` + summaryCols + `,
				ts_headline('english', a.headline, q.q, 'StartSel=` + markOpen + `,StopSel=` + markClose + `,HighlightAll=true'),
				ts_headline('english', a.standfirst || ' ' || a.body_text, q.q, 'StartSel=` + markOpen + `,StopSel=` + markClose + `,MaxWords=35,MinWords=15,MaxFragments=2,FragmentDelimiter=" … "')
			FROM hits JOIN articles a ON a.id = hits.id JOIN sections s ON s.id = a.section_id, q
			ORDER BY hits.rank DESC, a.published_at DESC`
	} else {
		quoted := make([]string, len(res.Terms))
		for i, t := range res.Terms {
			quoted[i] = `"` + t + `"`
		}
		// The last word may be half typed: match it as a prefix.
		quoted[len(quoted)-1] += "*"
		match = strings.Join(quoted, " ")
		countSQL = `SELECT COUNT(*) FROM (SELECT 1 FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
			WHERE articles_fts MATCH $1 AND a.status = 'published' LIMIT ` + strconv.Itoa(MaxHits+1) + `)`
		// The page's rows are ranked first without their snippets; only
		// then are the snippets made, for those rows alone. Asking for both
		// at once makes SQLite build a snippet for every match before it
		// sorts, which took seconds for a common word in 100,000 articles.
		// Only the newest MaxHits matches are scored: FTS5 walks its index
		// by rowid, newest first, and stops there.
		hitSQL = `WITH recent AS (
				SELECT f.rowid AS id, bm25(articles_fts, 10.0, 4.0, 1.0) AS score
				FROM articles_fts f WHERE articles_fts MATCH $1
				ORDER BY f.rowid DESC LIMIT ` + strconv.Itoa(4*MaxHits) + `),
			page AS (
				SELECT recent.id, recent.score, a.published_at AS published
				FROM recent JOIN articles a ON a.id = recent.id
				WHERE a.status = 'published'
				ORDER BY recent.score, published DESC LIMIT $2 OFFSET $3)
			SELECT ` + summaryCols + `,
				highlight(articles_fts, 0, '` + markOpen + `', '` + markClose + `'),
				snippet(articles_fts, -1, '` + markOpen + `', '` + markClose + `', ' … ', 30)
			FROM page JOIN articles_fts ON articles_fts.rowid = page.id
				JOIN articles a ON a.id = page.id JOIN sections s ON s.id = a.section_id
			WHERE articles_fts MATCH $1
			ORDER BY page.score, page.published DESC`
	}
	if err := s.db.QueryRowContext(ctx, countSQL, match).Scan(&res.Total); err != nil {
		return SearchPage{}, fmt.Errorf("article: search count: %w", err)
	}
	if res.Total > MaxHits {
		res.Total, res.Capped = MaxHits, true
	}
	if res.Total == 0 {
		return res, nil
	}
	rows, err := s.db.QueryContext(ctx, hitSQL, match, perPage, (page-1)*perPage)
	if err != nil {
		return SearchPage{}, fmt.Errorf("article: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h Hit
		var head, snip string
		if err := scanSummary(rows, &h.Article, &head, &snip); err != nil {
			return SearchPage{}, fmt.Errorf("article: search scan: %w", err)
		}
		h.Headline, h.Snippet = highlight(head), highlight(snip)
		res.Hits = append(res.Hits, h)
	}
	if err := rows.Err(); err != nil {
		return SearchPage{}, fmt.Errorf("article: search: %w", err)
	}
	list := make([]Article, len(res.Hits))
	for i := range res.Hits {
		list[i] = res.Hits[i].Article
	}
	if err := s.loadLinks(ctx, list, false); err != nil {
		return SearchPage{}, err
	}
	for i := range res.Hits {
		res.Hits[i].Article = list[i]
	}
	return res, nil
}
