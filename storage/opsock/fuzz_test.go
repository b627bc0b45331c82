package opsock

import (
	"bufio"
	"bytes"
	"errors"
	"testing"
)

// FuzzFrames: whatever a handler writes, in whatever pieces, with
// heartbeats between, the client reads back the same bytes and the status.
func FuzzFrames(f *testing.F) {
	f.Add([]byte("respondent,channel\r\n"), uint16(5), true, false)
	f.Add([]byte{}, uint16(0), false, true)
	f.Add(bytes.Repeat([]byte{0, 0, 0, 0}, 100), uint16(3), true, true)
	f.Fuzz(func(t *testing.T, data []byte, cut uint16, beat, failed bool) {
		var wire bytes.Buffer
		fw := &frameWriter{bw: bufio.NewWriter(&wire)}
		at := int(cut) % (len(data) + 1)
		fw.Write(data[:at])
		if beat {
			fw.beat()
		}
		fw.Write(data[at:])
		var result error
		if failed {
			result = errors.New("disk on fire")
		}
		if err := fw.finish(result); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(&wire)
		var got bytes.Buffer
		if err := readFrames(r, &got); err != nil {
			t.Fatalf("readFrames: %v", err)
		}
		if !bytes.Equal(got.Bytes(), data) {
			t.Fatalf("read %d bytes back, wrote %d", got.Len(), len(data))
		}
		if err := readStatus(r); (err != nil) != failed {
			t.Fatalf("status %v, want failed=%v", err, failed)
		}
	})
}

// FuzzReadFrames: a stream that is not what a server writes ends in an
// error or a clean end, never a panic, and never more bytes than it holds.
func FuzzReadFrames(f *testing.F) {
	f.Add([]byte{0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 0})
	f.Add([]byte{255, 255, 255, 255, 0, 0, 0, 0})
	f.Add([]byte{0, 1, 0, 1})
	f.Fuzz(func(t *testing.T, raw []byte) {
		var out bytes.Buffer
		readFrames(bufio.NewReader(bytes.NewReader(raw)), &out)
		if out.Len() > len(raw) {
			t.Fatalf("%d bytes out of %d in", out.Len(), len(raw))
		}
		readStatus(bufio.NewReader(bytes.NewReader(raw)))
		var req request
		readLine(bufio.NewReaderSize(bytes.NewReader(raw), maxLine), &req)
	})
}
