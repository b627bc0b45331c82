package coord

import (
	"bytes"
	"slices"
	"strings"
	"time"

	"github.com/uclg-mewa/surveybot/bot"
	"github.com/uclg-mewa/surveybot/messages"
	"github.com/uclg-mewa/surveybot/storage/export"
)

// ExportOptions are the options of an export of the responses with the
// given status ("all", "complete", "partial"). The CLI's
// `surveybot export` must use the same, so that the file a coordinator
// gets is byte for byte the one the operator would write.
func ExportOptions(status string) export.Options {
	return export.Options{Status: status, Vocab: messages.Vocabulary()}
}

// FileName names an export: the survey id and the UTC date, as in
// smart-cities-2026-12-03.xlsx.
func FileName(surveyID, format string, now time.Time) string {
	return surveyID + "-" + now.UTC().Format(time.DateOnly) + "." + format
}

// export is /export FORMAT [STATUS]: the responses as a document.
func (s *Service) export(lang, arg string) ([]bot.Message, error) {
	format, status, ok := exportArgs(arg)
	if !ok {
		return []bot.Message{text(lang, "coord.export_usage")}, nil
	}
	var buf bytes.Buffer
	n, err := export.Write(&buf, format, s.survey(), s.each(), ExportOptions(status))
	if err != nil {
		return nil, err
	}
	what := strings.ToUpper(format)
	if status != export.StatusAll {
		what += " · " + messages.Get(lang, "status."+status)
	}
	return []bot.Message{{
		Text:     messages.Get(lang, "coord.export_caption", "count", num(lang, n), "format", what),
		Language: lang,
		Document: &bot.File{Name: FileName(s.survey().ID, format, s.now()), Bytes: buf.Bytes()},
	}}, nil
}

// exportArgs reads "csv|xlsx|json [all|complete|partial]", in any case.
func exportArgs(arg string) (format, status string, ok bool) {
	f := strings.Fields(strings.ToLower(arg))
	if len(f) < 1 || len(f) > 2 || !slices.Contains(export.Formats, f[0]) {
		return "", "", false
	}
	status = export.StatusAll
	if len(f) == 2 {
		status = f[1]
	}
	switch status {
	case export.StatusAll, export.StatusComplete, export.StatusPartial:
		return f[0], status, true
	}
	return "", "", false
}
