package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/uclg-mewa/surveybot/conversation"
)

// fillDB writes n complete responses of the built-in survey's shape
// (about 1 KB of JSON each) and updatesPer processed-update records per
// response into a new database at path, 10,000 records per transaction and
// without fsync: a minute of Apply becomes a few seconds.
func fillDB(tb testing.TB, path string, n, updatesPer int) {
	tb.Helper()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	texts := []string{"بلدية صيدا", "Konya Metropolitan Municipality", "Municipalité de Sousse", "Open data portal and e-services"}
	yesNo := []string{"q1_new_tech", "q2_wifi_hotspots", "q3_internet_center", "q4_isp_deals", "q5_computer_courses", "q6_public_safety",
		"q7_transport", "q8_health_card", "q9_online_medical", "q10_tech_activity", "q11_online_interaction", "q13_need_smart_tech", "q14_it_training", "q15_working_group"}
	const chunk = 10_000
	for lo := 0; lo < n; lo += chunk {
		err := s.db.Update(func(tx *bolt.Tx) error {
			responses, updates := tx.Bucket(bucketResponses), tx.Bucket(bucketUpdates)
			for i := lo; i < min(lo+chunk, n); i++ {
				at := t0.Add(time.Duration(i) * time.Second)
				st := conversation.State{
					Respondent: "telegram:" + strconv.Itoa(1_000_000+i), Channel: "telegram", SurveyID: survey, SurveyVersion: 1,
					Language: "en", Phase: conversation.PhaseComplete, Seq: 40, StartedAt: at, UpdatedAt: at.Add(5 * time.Minute), CompletedAt: at.Add(5 * time.Minute),
					Answers: map[string]conversation.Answer{
						"municipality": {Value: texts[i%4]}, "country": {Value: texts[(i+1)%4]}, "respondent_name": {Value: "Name " + strconv.Itoa(i)},
						"position": {Skipped: true}, "email": {Value: "u" + strconv.Itoa(i) + "@city.gov"},
						"q5_courses":            {Choices: []string{"basic_skills", "programming"}},
						"q6_public_safety_kind": {Value: texts[i%4]}, "q12_evoting_opinion": {Value: texts[(i+2)%4] + " " + texts[(i+3)%4]},
					},
					LastUpdate: fmt.Sprintf("telegram:%d", i*updatesPer),
				}
				for j, q := range yesNo {
					st.Answers[q] = conversation.Answer{Value: [2]string{"yes", "no"}[(i+j)%2]}
				}
				data, err := json.Marshal(&st)
				if err != nil {
					return err
				}
				key, _ := responseKey(survey, st.Respondent)
				if err := responses.Put(key, data); err != nil {
					return err
				}
				var stamp [8]byte
				binary.BigEndian.PutUint64(stamp[:], uint64(at.UnixNano()))
				for u := range updatesPer {
					if err := updates.Put([]byte("telegram:"+strconv.Itoa(i*updatesPer+u)), stamp[:]); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkStartup100k: what a restart costs with 100,000 responses
// stored: storage.Open (file lock, mmap, bucket and schema checks) and the
// first Apply (a fsync'd commit), then Close. "with-updates" also stores
// 30 processed-update records per response (3 million: a busy week's
// de-duplication keys) and runs the PruneUpdates that `surveybot run`
// starts with, which reads them all (in read transactions of 20,000; none
// is old enough to delete here) before the first Apply.
func BenchmarkStartup100k(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 100k-response database")
	}
	dir := b.TempDir()
	for _, c := range []struct {
		name       string
		updatesPer int
		prune      bool
	}{{"responses", 0, false}, {"with-updates", 30, true}} {
		b.Run(c.name, func(b *testing.B) {
			path := filepath.Join(dir, c.name+".db")
			fillDB(b, path, 100_000, c.updatesPer)
			i := 0
			for b.Loop() {
				s, err := Open(path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if c.prune {
					if _, err := s.PruneUpdates(t0.Add(-time.Hour)); err != nil {
						b.Fatal(err)
					}
				}
				i++
				if _, _, err := s.Apply(survey, "telegram:42", fmt.Sprintf("bench:%d", i), t0, answer("q1_new_tech", "yes", t0)); err != nil {
					b.Fatal(err)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			if fi, err := os.Stat(path); err == nil {
				b.ReportMetric(float64(fi.Size())/(1<<20), "MB-file")
			}
		})
	}
}
