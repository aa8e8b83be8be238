package oauthflow

import (
	"strings"

	"github.com/authwiz/authwiz/internal/validate"
)

// serverText makes text from a server safe to print, on one line.
func serverText(s string) string {
	return strings.Join(strings.Fields(validate.Sanitize(s)), " ")
}
