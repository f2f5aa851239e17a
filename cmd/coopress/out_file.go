package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// outFile is a file written under a temporary name beside its final one
// and renamed into place only when whole, so an interrupted or failed
// run leaves no half-written file, and an older one there stays intact
// until the new one replaces it.
type outFile struct {
	*os.File
	final string
}

// createOut starts the file that will become path. CreateTemp makes it
// 0600: what the commands write (the register) is personal data.
func createOut(path string) (*outFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	return &outFile{File: f, final: path}, nil
}

// commit syncs the file and moves it into place.
func (o *outFile) commit() error {
	err := o.Sync()
	if cerr := o.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(o.Name(), o.final)
	}
	if err != nil {
		os.Remove(o.Name())
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}

// abort drops the partial file; after commit it does nothing.
func (o *outFile) abort() {
	if o.Close() == nil {
		os.Remove(o.Name())
	}
}
