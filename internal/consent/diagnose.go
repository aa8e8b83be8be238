package consent

import (
	"errors"

	"github.com/authwiz/authwiz/internal/atlassian"
	"github.com/authwiz/authwiz/internal/oauthflow"
)

// DiagnosedError is a consent Atlassian stopped on one of its error pages,
// recognised from the page's address or words (pasted by the admin) or
// from the error the browser came back with. The consent cannot finish
// until the cause is fixed; the text says what to do.
type DiagnosedError struct {
	atlassian.Diagnosis
	Err error // what the attempt itself made of the paste or the answer
}

func (e *DiagnosedError) Error() string {
	return "Atlassian stopped the consent. " + e.Cause + " To fix it: " + e.Fix
}

func (e *DiagnosedError) Unwrap() error { return e.Err }

// diagnosePaste explains a refused paste that holds an Atlassian error
// page; anything else keeps the attempt's own explanation.
func diagnosePaste(pasted string, refused error) error {
	if d, ok := atlassian.Diagnose(pasted); ok {
		return &DiagnosedError{Diagnosis: d, Err: refused}
	}
	return refused
}

// diagnoseAnswer explains an error the browser came back with, when
// Atlassian's description of it is a known problem.
func diagnoseAnswer(err error) error {
	var oe *oauthflow.Error
	if !errors.Is(err, oauthflow.ErrAuthorization) || !errors.As(err, &oe) {
		return err
	}
	if d, ok := atlassian.Diagnose(oe.Detail); ok {
		return &DiagnosedError{Diagnosis: d, Err: err}
	}
	return err
}
