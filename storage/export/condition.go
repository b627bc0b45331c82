package export

import (
	"strings"

	"github.com/uclg-mewa/surveybot/conversation"
)

// Condition renders a question's condition for people reading the
// questions sheet: `q5_computer_courses = yes`, `(a = x) and not (b answered)`.
// A nil condition is "".
func Condition(c *conversation.Condition) string {
	if c == nil {
		return ""
	}
	switch {
	case len(c.All) > 0:
		return joinConds(c.All, " and ")
	case len(c.Any) > 0:
		return joinConds(c.Any, " or ")
	case c.Not != nil:
		return "not " + group(c.Not)
	}
	q := c.Question
	switch {
	case c.Answered != nil && *c.Answered:
		return q + " answered"
	case c.Answered != nil:
		return q + " not answered"
	case c.Equals != nil:
		return q + " = " + *c.Equals
	case c.NotEquals != nil:
		return q + " != " + *c.NotEquals
	case len(c.OneOf) > 0:
		return q + " in (" + strings.Join(c.OneOf, ", ") + ")"
	case c.Contains != nil:
		return q + " includes " + *c.Contains
	}
	return q
}

func joinConds(cs []*conversation.Condition, sep string) string {
	parts := make([]string, len(cs))
	for i, sub := range cs {
		parts[i] = group(sub)
	}
	return strings.Join(parts, sep)
}

// group brackets compound conditions so that and/or/not read unambiguously.
func group(c *conversation.Condition) string {
	if len(c.All) > 0 || len(c.Any) > 0 || c.Not != nil {
		return "(" + Condition(c) + ")"
	}
	return Condition(c)
}
