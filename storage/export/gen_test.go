package export_test

import (
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/uclg-mewa/surveybot/conversation"
	"github.com/uclg-mewa/surveybot/storage/export"
)

var textPool = []string{
	"غازي عنتاب", "Konya", "İzmir Büyükşehir Belediyesi", "Tunis", "=SUM(A1:A9)",
	"نعمل على مشروع للمدينة الذكية يشمل النقل والإنارة", "Open data portal and e-services", "-", "42",
}

// genEach yields n responses of the built-in survey from a fixed seed, one
// at a time into a reused State, the way Store.Each hands them over: the
// generator holds no rows, so what a benchmark measures is the writer.
// About 70% are complete; the others stop at a random question. Each run
// yields the same responses.
func genEach(sv *conversation.Survey, n int) export.Each {
	return func(fn func(conversation.State) error) error {
		r := rand.New(rand.NewPCG(1, 2))
		st := conversation.State{SurveyID: sv.ID, Answers: map[string]conversation.Answer{}}
		for i := range n {
			fillState(r, sv, &st, i)
			if err := fn(st); err != nil {
				return err
			}
		}
		return nil
	}
}

func fillState(r *rand.Rand, sv *conversation.Survey, st *conversation.State, i int) {
	clear(st.Answers)
	st.Respondent = "telegram:" + strconv.Itoa(1_000_000+i)
	st.Channel = "telegram"
	st.Language = sv.Languages[r.IntN(len(sv.Languages))]
	st.StartedAt = t0.Add(time.Duration(i) * time.Minute)
	st.UpdatedAt = st.StartedAt.Add(time.Duration(r.IntN(3600)) * time.Second)
	st.CompletedAt = time.Time{}
	stop := len(sv.Questions)
	if r.IntN(10) < 3 {
		stop = r.IntN(stop)
	} else {
		st.CompletedAt = st.UpdatedAt
	}
	for _, q := range sv.Questions[:stop] {
		if q.Answerable() && q.When.Eval(st.Answers) {
			st.Answers[q.ID] = randomAnswer(r, q)
		}
	}
}

func randomAnswer(r *rand.Rand, q *conversation.Question) conversation.Answer {
	switch q.Type {
	case conversation.TypeYesNo:
		return conversation.Answer{Value: [2]string{"yes", "no"}[r.IntN(2)]}
	case conversation.TypeChoice:
		return conversation.Answer{Value: q.Choices[r.IntN(len(q.Choices))].ID}
	case conversation.TypeMulti:
		var ids []string
		for _, c := range q.Choices {
			if r.IntN(2) == 0 {
				ids = append(ids, c.ID)
			}
		}
		if ids == nil {
			ids = []string{q.Choices[0].ID}
		}
		return conversation.Answer{Choices: ids}
	}
	if !q.Required && r.IntN(4) == 0 {
		return conversation.Answer{Skipped: true}
	}
	return conversation.Answer{Value: textPool[r.IntN(len(textPool))]}
}

type writerFunc func(io.Writer, *conversation.Survey, export.Each, export.Options) (int, error)

func benchmarkWriter(b *testing.B, write writerFunc, n int) {
	sv := builtinSurvey(b)
	each := genEach(sv, n)
	var cw countWriter
	b.ReportAllocs()
	for b.Loop() {
		cw.n = 0
		if got, err := write(&cw, sv, each, export.Options{}); err != nil || got != n {
			b.Fatalf("n=%d err=%v", got, err)
		}
	}
	b.ReportMetric(float64(cw.n)/1e6, "MB-out")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// The benchmarks export 100,000 generated responses per operation. B/op is
// everything allocated (garbage included), which grows with the rows by
// nature; what must not grow is the memory held, which
// TestMemoryStaysFlat checks.
func BenchmarkCSV(b *testing.B)  { benchmarkWriter(b, export.CSV, 100_000) }
func BenchmarkJSON(b *testing.B) { benchmarkWriter(b, export.JSON, 100_000) }
func BenchmarkXLSX(b *testing.B) { benchmarkWriter(b, export.XLSX, 100_000) }

// peakHeap runs write over n generated responses and returns the largest
// live heap seen, measured after a forced collection every 5,000 rows and
// every 4 MB of output (an XLSX archive is written only at the end).
func peakHeap(t *testing.T, write writerFunc, n int) uint64 {
	sv := builtinSurvey(t)
	var peak uint64
	sample := func() {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	inner := genEach(sv, n)
	each := func(fn func(conversation.State) error) error {
		i := 0
		return inner(func(st conversation.State) error {
			if i++; i%5000 == 0 {
				sample()
			}
			return fn(st)
		})
	}
	sw := &sampleWriter{every: 4 << 20, sample: sample}
	sample()
	if _, err := write(sw, sv, each, export.Options{}); err != nil {
		t.Fatal(err)
	}
	return peak
}

type sampleWriter struct {
	n, every int
	sample   func()
}

func (s *sampleWriter) Write(p []byte) (int, error) {
	if s.n += len(p); s.n >= s.every {
		s.n = 0
		s.sample()
	}
	return len(p), nil
}

// TestMemoryStaysFlat exports 10,000 and then 100,000 responses and checks
// that the live heap does not grow with the row count. For XLSX, excelize
// keeps up to 16 MiB of sheet XML in memory before spilling to a temporary
// file, so its bound is that buffer, not the rows.
func TestMemoryStaysFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("slow; and the race detector's shadow memory would distort the figures")
	}
	for _, c := range []struct {
		name  string
		write writerFunc
		slack uint64
	}{
		{"csv", export.CSV, 2 << 20},
		{"json", export.JSON, 2 << 20},
		{"xlsx", export.XLSX, 8 << 20},
	} {
		small, large := peakHeap(t, c.write, 10_000), peakHeap(t, c.write, 100_000)
		t.Logf("%s: peak live heap %.1f MiB at 10k rows, %.1f MiB at 100k rows", c.name, mib(small), mib(large))
		if large > small+c.slack {
			t.Errorf("%s: live heap grew from %.1f to %.1f MiB with 10x the rows", c.name, mib(small), mib(large))
		}
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
