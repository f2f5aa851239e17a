package web

import (
	"errors"
	"github.com/coopress/coopress/internal/valid"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/article"
)

// articleForm is the edit form as typed, kept as strings so that whatever
// was typed comes back with the errors.
type articleForm struct {
	Headline, Standfirst, Slug, Section, Tags, Dateline, Body string
	Authors                                                   []int64
	ImageID, ImageAlt, ImageCaption, ImageCredit              string
}

// Limits of the form, beside the store's own checks.
const (
	maxTags       = 20
	maxTagLen     = 60
	maxDatelineLn = 100
)

// formFrom fills the form from a stored story.
func formFrom(st article.Story) articleForm {
	f := articleForm{Headline: st.Headline, Standfirst: st.Standfirst, Slug: st.Slug, Dateline: st.Dateline, Body: st.BodyMD,
		ImageAlt: st.Image.Alt, ImageCaption: st.Image.Caption, ImageCredit: st.Image.Credit}
	if st.Section.ID != 0 {
		f.Section = strconv.FormatInt(st.Section.ID, 10)
	}
	var tags []string
	for _, t := range st.Tags {
		tags = append(tags, t.Name)
	}
	f.Tags = strings.Join(tags, ", ")
	for _, a := range st.Authors {
		f.Authors = append(f.Authors, a.ID)
	}
	return f
}

// readArticleForm parses the posted form. Every problem it can see goes
// beside its field; the store's own checks come later.
func readArticleForm(w http.ResponseWriter, r *http.Request, e *fieldErrors) articleForm {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			e.Add("body", "The article is too long to send in one go (1 MB at most). Shorten it and save again.")
		} else {
			e.Add("body", "We could not read the form. Try again.")
		}
		return articleForm{}
	}
	f := articleForm{
		Headline:     formValue(r, e, "headline", "The headline", 300),
		Standfirst:   formValue(r, e, "standfirst", "The standfirst", 1000),
		Slug:         strings.TrimSpace(formValue(r, e, "slug", "The slug", article.MaxSlugLen)),
		Section:      formValue(r, e, "section", "The section", 20),
		Tags:         formValue(r, e, "tags", "The tags", maxTags*(maxTagLen+2)),
		Dateline:     formValue(r, e, "dateline", "The dateline", maxDatelineLn),
		Body:         formValue(r, e, "body", "The body", 500_000),
		ImageID:      strings.TrimSpace(formValue(r, e, "image_id", "The image", 20)),
		ImageAlt:     formValue(r, e, "image_alt", "The alt text", 500),
		ImageCaption: formValue(r, e, "image_caption", "The caption", 1000),
		ImageCredit:  formValue(r, e, "image_credit", "The credit", 200),
	}
	if strings.TrimSpace(f.Headline) == "" {
		e.Add("headline", "Give the article a headline.")
	}
	for _, v := range r.PostForm["authors"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			e.Add("authors", "Choose authors from the list.")
			break
		}
		if !slices.Contains(f.Authors, id) {
			f.Authors = append(f.Authors, id)
		}
	}
	return f
}

// story builds the article to save from the form, checking the section,
// authors and tags against what exists.
func (f articleForm) story(sections []article.Section, authors []article.Author, e *fieldErrors) article.Story {
	st := article.Story{Article: article.Article{Headline: strings.TrimSpace(f.Headline), Standfirst: strings.TrimSpace(f.Standfirst),
		Slug: f.Slug, Dateline: strings.TrimSpace(f.Dateline), BodyMD: strings.ReplaceAll(f.Body, "\r\n", "\n")}}
	if id, err := strconv.ParseInt(f.Section, 10, 64); err == nil {
		for _, sec := range sections {
			if sec.ID == id {
				st.Section = sec
			}
		}
	}
	if st.Section.ID == 0 {
		e.Add("section", "Choose a section.")
	}
	for _, id := range f.Authors {
		i := slices.IndexFunc(authors, func(a article.Author) bool { return a.ID == id })
		if i < 0 {
			e.Add("authors", "Choose authors from the list.")
			continue
		}
		st.Authors = append(st.Authors, authors[i])
	}
	for _, name := range strings.Split(f.Tags, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			continue
		case utf8.RuneCountInString(name) > maxTagLen:
			e.Add("tags", "Keep each tag under 60 characters.")
		case article.Slugify(name) == "":
			e.Add("tags", "The tag \""+name+"\" needs letters or digits.")
		}
		st.Tags = append(st.Tags, article.Tag{Name: name})
	}
	if len(st.Tags) > maxTags {
		e.Add("tags", "Use at most 20 tags.")
	}
	st.Image.Alt, st.Image.Caption, st.Image.Credit = strings.TrimSpace(f.ImageAlt), strings.TrimSpace(f.ImageCaption), strings.TrimSpace(f.ImageCredit)
	return st
}

// addArticleValidation puts the store's valid.Error beside its field
// and reports whether it was one.
func (e *fieldErrors) addArticleValidation(err error) bool {
	var v valid.Error
	if !errors.As(err, &v) {
		return false
	}
	field := v.Field
	switch field {
	case "author":
		field = "authors"
	case "status":
		field = "workflow"
	}
	e.Add(field, v.Message)
	return true
}
