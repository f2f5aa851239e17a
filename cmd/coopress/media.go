package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/media"
)

func init() {
	commands["media"] = &command{summary: "the image library's files: copy them to another store, check them", subs: map[string]*command{
		"copy": {summary: "copy every image file to another store (s3://bucket/prefix or a directory) and check each copy", run: mediaCopy,
			about: "The source is the library as --media-url (COOPRESS_MEDIA_URL) names it, the data directory by default; S3 settings\n" +
				"come from COOPRESS_S3_*. Files already in the target are left alone, so an interrupted copy is finished by running it\n" +
				"again; the database is not changed. Afterwards every file is read back from both stores and compared. Then set\n" +
				"COOPRESS_MEDIA_URL to the target on every node and restart them (docs/operations.md)."},
		"check": {summary: "check that the store holds every file the library's images need", run: mediaCheck},
	}}
}

func mediaCopy(ctx context.Context, inv *invocation, args []string) error {
	var cfg app.Config
	fs := inv.flagSet()
	cfg.AddStoreFlags(fs)
	to := fs.String("to", "", "the target store: s3://bucket/prefix or an absolute directory (required)")
	if err := inv.parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if strings.TrimSpace(*to) == "" {
		return errors.New("--to is required: s3://bucket/prefix or an absolute directory")
	}
	target, err := media.ParseLocation(*to, cfg.DataDir)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	if target == cfg.MediaLocation {
		return fmt.Errorf("--to %s is where the library already is", *to)
	}
	from, err := media.OpenBlobs(ctx, cfg.MediaLocation, cfg.S3)
	if err != nil {
		return err
	}
	dest, err := media.OpenBlobs(ctx, target, cfg.S3)
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.stderr, "copying the image library from %s to %s\n", from, dest)
	last := time.Time{}
	p, err := media.Copy(ctx, from, dest, func(p media.CopyProgress) {
		if p.Done != p.Total && time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		step := "copied"
		if p.Verified {
			step = "checked"
		}
		pct := 100
		if p.Total > 0 {
			pct = p.Done * 100 / p.Total
		}
		fmt.Fprintf(inv.stderr, "%s %d of %d files (%d%%), %.1f MB, %d left, %s\n", step, p.Done, p.Total, pct,
			float64(p.Bytes)/1e6, p.Total-p.Done, p.Elapsed.Round(time.Second))
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("stopped after %d of %d files; every file written is whole: run the same command again to finish", p.Done, p.Total)
		}
		return err
	}
	if bad := append(p.MissingTarget, p.Mismatched...); len(bad) > 0 {
		return fmt.Errorf("%d files differ or are missing in %s: %s", len(bad), dest, strings.Join(bad, ", "))
	}
	fmt.Fprintf(inv.stdout, "copied %d files (%d new, %d already there) to %s; every one read back and identical\n",
		p.Total, p.Copied, p.Total-p.Copied, dest)
	return nil
}

func mediaCheck(ctx context.Context, inv *invocation, args []string) error {
	c := newStoreCLI(inv)
	if err := c.parse(args); err != nil {
		return err
	}
	d, err := app.OpenExistingDB(ctx, &c.cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	blobs, err := media.OpenBlobs(ctx, c.cfg.MediaLocation, c.cfg.S3)
	if err != nil {
		return err
	}
	s, err := media.NewStore(d, blobs, media.Options{})
	if err != nil {
		return err
	}
	missing, images, err := s.Check(ctx)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d files of %d images are missing from %s: %s", len(missing), images, blobs, strings.Join(missing, ", "))
	}
	fmt.Fprintf(inv.stdout, "checked %d images in %s: every file is there\n", images, blobs)
	return nil
}
