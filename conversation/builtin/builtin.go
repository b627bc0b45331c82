// Package builtin embeds the smart-cities survey, so that the binary does
// its main job with no configuration at all.
package builtin

import (
	_ "embed"

	"github.com/uclg-mewa/surveybot/conversation"
)

// FileName is how the built-in survey is named in messages about it.
const FileName = "smart-cities.yaml"

// YAML is the built-in survey file.
//
//go:embed smart-cities.yaml
var YAML []byte

// Survey loads the built-in survey. It is validated by the tests, so an
// error here means a broken build.
func Survey() (*conversation.Survey, error) { return conversation.Load(YAML) }
