package main

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// calibration is what bbolt alone does on this disk.
type calibration struct {
	SeqPerSec   float64 `json:"seq_fsync_tx_per_s"`   // sequential fsync'd Update
	BatchPerSec float64 `json:"batch_fsync_tx_per_s"` // bbolt Batch from 64 goroutines, MaxBatchDelay 2 ms (a reference for grouping)
}

// calibrate measures, in a temporary file in dir (the database's
// directory, so the same disk), the rate of sequential fsync'd bbolt
// Update transactions writing one ~600-byte record each (the size of a
// stored response), and, for reference, of bbolt Batch transactions from
// 64 goroutines with a MaxBatchDelay of 2 ms.
func calibrate(dir string, d time.Duration) (calibration, error) {
	var c calibration
	f, err := os.CreateTemp(dir, "surveyload-calibrate-*.db")
	if err != nil {
		return c, err
	}
	path := f.Name()
	f.Close()
	os.Remove(path)
	defer os.Remove(path)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return c, err
	}
	defer db.Close()
	bucket := []byte("b")
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		return c, err
	}
	val := make([]byte, 600)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range val {
		val[i] = byte('a' + r.IntN(26))
	}
	put := func(i uint64) func(*bolt.Tx) error {
		return func(tx *bolt.Tx) error {
			var k [8]byte
			binary.BigEndian.PutUint64(k[:], i%5000) // a bounded working set, like respondents
			return tx.Bucket(bucket).Put(k[:], val)
		}
	}

	// Sequential Update, one fsync each.
	start := time.Now()
	n := uint64(0)
	for time.Since(start) < d {
		if err := db.Update(put(n)); err != nil {
			return c, err
		}
		n++
	}
	c.SeqPerSec = float64(n) / time.Since(start).Seconds()

	// Batch from 64 goroutines.
	db.MaxBatchDelay = 2 * time.Millisecond
	var total atomic.Uint64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	start = time.Now()
	for g := range 64 {
		wg.Go(func() {
			for i := uint64(g); time.Since(start) < d; i += 64 {
				if err := db.Batch(put(i)); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				total.Add(1)
			}
		})
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return c, fmt.Errorf("batch: %w", err)
	}
	c.BatchPerSec = float64(total.Load()) / time.Since(start).Seconds()
	return c, nil
}
