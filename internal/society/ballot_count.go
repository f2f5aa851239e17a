package society

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/coopress/coopress/internal/stv"
)

// countSTV counts an STV election by the Scottish rules (internal/stv).
// The papers go through the BLT file that WriteBLT gives and stv.ReadBLT
// reads, and lots are drawn from the seed that `coopress stv count` takes
// from that file's SHA-256, so `coopress ballot blt … | coopress stv
// count` repeats this count exactly, stage by stage. The seed depends on
// every paper, so no one can know it before the close.
func (e *ElectionResult) countSTV() error {
	var blt bytes.Buffer
	if err := e.WriteBLT(&blt); err != nil {
		return err
	}
	sum := sha256.Sum256(blt.Bytes())
	el, err := stv.ReadBLT(bytes.NewReader(blt.Bytes()))
	if err != nil {
		return fmt.Errorf("society: election %d as BLT: %w", e.ID, err)
	}
	r, err := stv.Count(el, stv.Options{Method: stv.ScottishSTV, Seed: binary.BigEndian.Uint64(sum[:8])})
	if errors.Is(err, stv.ErrNoPapers) {
		return nil // no one voted in it: nothing to count
	}
	if err != nil {
		return fmt.Errorf("society: count election %d: %w", e.ID, err)
	}
	e.Count = &r
	for _, i := range r.Elected {
		e.Elected = append(e.Elected, e.Candidates[i])
	}
	return nil
}
