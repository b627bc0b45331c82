package conversation

import "time"

// Phase is where a respondent is in the conversation.
type Phase string

const (
	PhaseNew      Phase = ""         // never spoken to
	PhaseLanguage Phase = "language" // choosing a language
	PhaseQuestion Phase = "question" // answering Current
	PhaseOther    Phase = "other"    // typing the text of an "other" choice of Current
	PhaseReview   Phase = "review"   // checking answers before Submit
	PhaseRestart  Phase = "restart"  // asked to confirm /restart
	PhaseComplete Phase = "complete" // submitted
)

// Response statuses, as exported.
const (
	StatusPartial  = "partial"
	StatusComplete = "complete"
)

// Answer is one stored answer. Value holds yes/no, single-choice ids, text,
// numbers and e-mails; Choices holds the ids of a multi answer in survey order.
type Answer struct {
	Value   string   `json:"v,omitempty"`
	Choices []string `json:"c,omitempty"`
	Other   string   `json:"o,omitempty"` // text of an "other" choice
	Skipped bool     `json:"s,omitempty"` // optional question passed with /skip
}

// HasValue reports whether the answer carries a value (a skip does not).
func (a Answer) HasValue() bool { return !a.Skipped && (a.Value != "" || len(a.Choices) > 0) }

// State is everything known about one respondent's response: the
// conversation position and the answers. It is what storage keeps, one
// record per respondent per survey, and what exports read.
type State struct {
	Respondent    string            `json:"respondent"`
	Channel       string            `json:"channel"`
	SurveyID      string            `json:"survey"`
	SurveyVersion int               `json:"survey_version"`
	Language      string            `json:"language,omitempty"`
	Phase         Phase             `json:"phase,omitempty"`
	Current       string            `json:"current,omitempty"` // question being asked
	Answers       map[string]Answer `json:"answers,omitempty"`
	Pending       []string          `json:"pending,omitempty"`  // multi choices toggled, not yet Done
	Resume        Phase             `json:"resume,omitempty"`   // phase to return to after /language or /restart "no"
	ResumeCurrent string            `json:"resume_q,omitempty"` // question to return to with Resume
	Hint          string            `json:"hint,omitempty"`     // language the channel reported, listed first
	PromptKey     string            `json:"prompt,omitempty"`   // what was last asked (phase:question)
	Seq           int               `json:"seq"`                // bumped at every prompt; buttons carry it to spot stale taps
	Source        string            `json:"source,omitempty"`   // /start deep-link payload
	StartedAt     time.Time         `json:"started_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	CompletedAt   time.Time         `json:"completed_at,omitzero"`
	RemindedAt    time.Time         `json:"reminded_at,omitzero"`
	LastUpdate    string            `json:"last_update,omitempty"` // id of the last inbound update applied
}

// Status is "complete" once submitted, else "partial".
func (s *State) Status() string {
	if !s.CompletedAt.IsZero() {
		return StatusComplete
	}
	return StatusPartial
}

// Clone returns a deep copy, so that a step never changes its input.
func (s State) Clone() State {
	c := s
	c.Answers = make(map[string]Answer, len(s.Answers))
	for k, v := range s.Answers {
		v.Choices = append([]string(nil), v.Choices...)
		c.Answers[k] = v
	}
	c.Pending = append([]string(nil), s.Pending...)
	return c
}
