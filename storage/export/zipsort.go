package export

import (
	"archive/zip"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
)

// orderedZip makes the XLSX archive the same bytes for the same data.
// excelize writes its streamed worksheets first, in map order (so the two
// sheets swap places from run to run), then everything else sorted. This
// writer holds back the worksheet entries, spooled to temporary files so
// memory stays flat, and writes them sorted by name as soon as the first
// other entry arrives.
type orderedZip struct {
	zw      *zip.Writer
	held    []heldEntry
	flushed bool
	err     error
}

type heldEntry struct {
	name string
	f    *os.File
}

func newOrderedZip(w io.Writer) *orderedZip { return &orderedZip{zw: zip.NewWriter(w)} }

func (z *orderedZip) Create(name string) (io.Writer, error) {
	if !z.flushed && strings.HasPrefix(name, "xl/worksheets/") {
		f, err := os.CreateTemp("", "surveybot-sheet-*")
		if err != nil {
			return nil, err
		}
		z.held = append(z.held, heldEntry{name, f})
		return f, nil
	}
	if err := z.flush(); err != nil {
		return nil, err
	}
	return z.zw.Create(name)
}

// flush writes the held worksheets, sorted, and removes their spool files.
func (z *orderedZip) flush() error {
	if z.flushed {
		return z.err
	}
	z.flushed = true
	sort.Slice(z.held, func(i, j int) bool { return z.held[i].name < z.held[j].name })
	for _, h := range z.held {
		if z.err == nil {
			z.err = z.copyEntry(h)
		}
		h.f.Close()
		os.Remove(h.f.Name())
	}
	z.held = nil
	return z.err
}

func (z *orderedZip) copyEntry(h heldEntry) error {
	if _, err := h.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w, err := z.zw.Create(h.name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, h.f)
	return err
}

func (z *orderedZip) AddFS(fsys fs.FS) error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

func (z *orderedZip) Close() error {
	if err := z.flush(); err != nil {
		z.zw.Close()
		return err
	}
	return z.zw.Close()
}
