package conversation

// Vocabulary holds the few words the engine must itself show or recognise
// in typed answers, per language. They live in package messages (like every
// sentence the bot says) and are passed in, so this package stays free of
// user-facing strings.
type Vocabulary struct {
	Yes, No       Text // labels of yes/no questions and confirmations
	Done          Text // finishes a several-choices question
	Submit        Text // submits the review
	Skip          Text // button that skips an optional question
	LanguageNames Text // each language's own name: "ar" → "العربية"
}
