package validate

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a problem that must be fixed before going on.
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string { return e.Field + ": " + e.Message }

// Warning is something worth a second look that does not block.
type Warning struct {
	Field   string
	Message string
}

// Result is what a validator makes of one field.
type Result struct {
	// Value is the cleaned value to keep.
	Value    string
	Err      *Error
	Warnings []Warning
}

func (r *Result) fail(field, format string, args ...any) {
	if r.Err == nil {
		r.Err = &Error{Field: field, Message: fmt.Sprintf(format, args...)}
	}
}

func (r *Result) warn(field, format string, args ...any) {
	r.Warnings = append(r.Warnings, Warning{Field: field, Message: fmt.Sprintf(format, args...)})
}

// maxEcho bounds how much of a value a message repeats: a 10 000-character
// paste must not become a 10 000-character error.
const maxEcho = 40

// quote shows a value in a message, shortened and stripped of anything a
// terminal would act on.
func quote(s string) string {
	s = Sanitize(s)
	if utf8.RuneCountInString(s) > maxEcho {
		s = string([]rune(s)[:maxEcho]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func quoteAll(items []string) string {
	q := make([]string, 0, len(items))
	for i, s := range items {
		if i == 5 {
			q = append(q, fmt.Sprintf("and %d more", len(items)-5))
			break
		}
		q = append(q, quote(s))
	}
	return strings.Join(q, ", ")
}
