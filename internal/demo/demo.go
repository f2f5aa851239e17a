// Package demo fills an empty database with content to show coopress off:
// an article written for the demo about the Russia–North Korea treaty (the
// seed story's facts, in our own words), and generated articles across the
// sections so that every list has pages.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/article"
)

// Sections are the demo paper's sections, in display order.
var Sections = []article.Section{
	{Slug: "britain", Name: "Britain", Description: "News from across England, Scotland and Wales.", Position: 1},
	{Slug: "world", Name: "World", Description: "International news and analysis.", Position: 2},
	{Slug: "workplace", Name: "Workplace", Description: "Unions, pay and conditions.", Position: 3},
	{Slug: "features", Name: "Features", Description: "Long reads, interviews and history.", Position: 4},
	{Slug: "arts", Name: "Arts", Description: "Books, film, music and theatre.", Position: 5},
	{Slug: "sport", Name: "Sport", Description: "Football, athletics and the games people play.", Position: 6},
}

var authors = []article.Author{
	{Slug: "maria-okafor", Name: "Maria Okafor", Bio: "Maria covers foreign affairs and the wars in Europe."},
	{Slug: "tom-hallam", Name: "Tom Hallam", Bio: "Tom is the paper's industrial correspondent."},
	{Slug: "priya-sandhu", Name: "Priya Sandhu", Bio: "Priya writes on culture and the arts."},
	{Slug: "dafydd-evans", Name: "Dafydd Evans", Bio: "Dafydd reports on sport from the terraces up."},
}

// SeedSlug is the slug of the demo's main article.
const SeedSlug = "russia-ratifies-military-assistance-treaty-with-north-korea"

// SeedPublished is when the main article was published: 6 November 2024.
var SeedPublished = time.Date(2024, 11, 6, 16, 40, 0, 0, time.UTC)

const seedBody = `Russia's upper house of parliament has approved a treaty that binds Moscow and Pyongyang to defend each other, as Ukraine reported the first clashes between its soldiers and North Korean troops.

The Federation Council voted on Wednesday to ratify the agreement, completing its passage through parliament after the State Duma, the lower house, backed it on 24 October. Vladimir Putin and Kim Jong Un signed the pact, which both governments call a "comprehensive strategic partnership", when the Russian president visited Pyongyang in June.

Under its terms, each country must come to the other's aid at once, with every means it has, should either be attacked.

The vote followed a meeting on Monday between Mr Putin and North Korea's foreign minister, Choe Son Hui, who was in Russia on an official visit. In talks with her Russian counterpart, Sergey Lavrov, Ms Choe restated her government's backing for Russia's war aims in Ukraine.

On Tuesday Kiev said that Ukrainian artillery had fired on North Korean soldiers in Russia's Kursk border region, where Ukraine's forces have pushed across the frontier. It was the first official account of fighting between the two armies; Pyongyang is reported to have sent some 10,000 troops.

Ukraine's defence minister, Rustem Umerov, told the South Korean public broadcaster KBS that the exchanges had been small in scale, but marked the start of North Korea's direct part in the largest war Europe has seen since 1945. He said the North Korean soldiers were mixed in with Russian units and wore uniforms that misidentified them, so it was hard to tell whether any had been killed or wounded.

In the south of Ukraine, a Russian attack on the city of Zaporizhzhia on Tuesday morning killed six people and injured 23, the regional governor, Ivan Fedorov, said.`

// Load fills an empty database: sections, authors, the seed article and
// generated articles. It does nothing when articles already exist.
func Load(ctx context.Context, s *article.Store, generated int) error {
	n, err := s.CountPublished(ctx, article.Filter{})
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	secs, auths, err := base(ctx, s)
	if err != nil {
		return err
	}
	if err := Generate(ctx, s, secs, auths, generated, SeedPublished.Add(-time.Hour)); err != nil {
		return err
	}
	seed := &article.Article{
		Slug:       SeedSlug,
		Headline:   "Russia ratifies military assistance treaty with North Korea",
		Standfirst: "The Federation Council approves the mutual defence pact as Ukraine reports its first clashes with North Korean soldiers in Kursk",
		BodyMD:     seedBody,
		Section:    secs["world"],
		Authors:    []article.Author{auths[0]},
		Dateline:   "Moscow",
		Status:     article.Published,
		TopStory:   true,
		Tags: []article.Tag{{Name: "Russia"}, {Name: "North Korea"}, {Name: "Ukraine"},
			{Name: "War in Ukraine", Slug: "war-in-ukraine"}},
		PublishedAt: SeedPublished,
	}
	if err := s.Save(ctx, seed); err != nil {
		return fmt.Errorf("demo: seed article: %w", err)
	}
	return nil
}

// base creates the sections and authors and returns them by slug and in order.
func base(ctx context.Context, s *article.Store) (map[string]article.Section, []article.Author, error) {
	secs := map[string]article.Section{}
	for _, sec := range Sections {
		saved, err := s.UpsertSection(ctx, sec)
		if err != nil {
			return nil, nil, fmt.Errorf("demo: section: %w", err)
		}
		secs[sec.Slug] = saved
	}
	var auths []article.Author
	for _, a := range authors {
		saved, err := s.UpsertAuthor(ctx, a)
		if err != nil {
			return nil, nil, fmt.Errorf("demo: author: %w", err)
		}
		auths = append(auths, saved)
	}
	return secs, auths, nil
}

// GenerateMore adds count generated articles to a database that may already
// hold some, published before the oldest existing one; for scale tests.
func GenerateMore(ctx context.Context, s *article.Store, count int, before time.Time) error {
	secs, auths, err := base(ctx, s)
	if err != nil {
		return err
	}
	return Generate(ctx, s, secs, auths, count, before)
}

// Generate writes count articles, one every 37 minutes going back from
// newest, with made-up but readable text. The same count gives the same
// articles, so benchmarks are repeatable.
func Generate(ctx context.Context, s *article.Store, secs map[string]article.Section, auths []article.Author, count int, newest time.Time) error {
	rng := rand.New(rand.NewPCG(uint64(newest.Unix()), 7))
	const batch = 500
	list := make([]*article.Article, 0, batch)
	for i := 0; i < count; i++ {
		sec := Sections[i%len(Sections)]
		subj := pick(rng, subjects[sec.Slug])
		head := fmt.Sprintf("%s %s %s", subj, pick(rng, verbs), pick(rng, objects))
		a := &article.Article{
			Slug:        fmt.Sprintf("%s-%d", article.Slugify(head), newest.Unix()/60-int64(i)),
			Headline:    head,
			Standfirst:  sentence(rng, subj),
			BodyMD:      body(rng, subj, 6+rng.IntN(6)),
			Section:     secs[sec.Slug],
			Authors:     []article.Author{auths[rng.IntN(len(auths))]},
			Status:      article.Published,
			TopStory:    i%17 == 3,
			Tags:        []article.Tag{{Name: pick(rng, tagNames)}},
			PublishedAt: newest.Add(-time.Duration(i) * 37 * time.Minute),
		}
		list = append(list, a)
		if len(list) == batch || i == count-1 {
			if err := s.SaveAll(ctx, list); err != nil {
				return fmt.Errorf("demo: generated articles up to %d: %w", i, err)
			}
			list = list[:0]
		}
	}
	return nil
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

func sentence(rng *rand.Rand, subj string) string {
	return fmt.Sprintf("%s %s %s, %s.", subj, pick(rng, verbs), pick(rng, objects), pick(rng, clauses))
}

func body(rng *rand.Rand, subj string, paras int) string {
	var b strings.Builder
	for p := 0; p < paras; p++ {
		for k := 0; k < 3; k++ {
			who := subj
			if k > 0 {
				who = pick(rng, people)
			}
			b.WriteString(sentence(rng, who))
			b.WriteByte(' ')
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

var subjects = map[string][]string{
	"britain":   {"Council tenants", "Junior doctors", "Rail passengers", "Leeds campaigners", "Care workers", "Scottish ministers"},
	"world":     {"Dock workers in Chile", "The UN Security Council", "Farmers in Kerala", "Brazil's government", "Climate negotiators", "Teachers in Nairobi"},
	"workplace": {"Bus drivers", "Postal workers", "Hospital cleaners", "University staff", "Warehouse workers", "Firefighters"},
	"features":  {"A miners' library", "The last typesetters", "Allotment holders", "A Clydeside choir", "Retired seafarers", "Village co-operatives"},
	"arts":      {"A new Welsh novel", "The touring theatre company", "Folk musicians", "A community cinema", "Young poets", "A mural project"},
	"sport":     {"The women's league", "Fan-owned clubs", "Grassroots cricket", "The cycling team", "Local boxing gyms", "Rugby league sides"},
}

var verbs = []string{"win backing for", "vote to reject", "call for", "celebrate", "warn over", "campaign against", "secure", "demand answers on"}

var objects = []string{"a fair pay deal", "cuts to local services", "new safety rules", "the housing shortage", "a community buy-out",
	"rising energy bills", "a decade of progress", "plans for the coast"}

var clauses = []string{"union officials said on Monday", "according to figures published this week", "after months of talks",
	"despite opposition from ministers", "as the deadline approaches", "in a move welcomed by residents", "with support from across the movement"}

var people = []string{"Organisers", "Local councillors", "A spokeswoman", "Members", "Residents", "Independent experts", "The committee"}

var tagNames = []string{"Housing", "NHS", "Pay", "Climate", "Trade unions", "Transport", "Co-operatives", "Culture", "Football"}
