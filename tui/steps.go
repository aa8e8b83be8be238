package tui

import "slices"

// The step table: every step of the guide by name, in the guide's order,
// with its title. This is the only place steps are counted; everything
// else names them.

// stepID names a step; the admin sees it as number().
type stepID int

const (
	stepStart stepID = iota
	stepName
	stepConsole
	stepCreate
	stepAppName
	stepEnable3LO
	stepRedirect
	stepPermissions
	stepCredentials
	stepEndpoints
	stepScopes
	stepSave

	// stepCount is how many steps there are: "Step n of stepCount".
	stepCount = int(stepSave) + 1
)

// stepTable is each step's title and how to make its screen.
var stepTable = [stepCount]struct {
	title string
	make  func() step
}{
	stepStart:       {"Start", func() step { return &startStep{} }},
	stepName:        {"Type & name", func() step { return &nameStep{} }},
	stepConsole:     {"Developer Console", consoleDeveloper},
	stepCreate:      {"Create app", consoleCreate},
	stepAppName:     {"App name", func() step { return &appNameStep{} }},
	stepEnable3LO:   {"Enable OAuth 2.0", consoleEnable3LO},
	stepRedirect:    {"Redirect URL", func() step { return &redirectStep{} }},
	stepPermissions: {"Permissions", func() step { return &permissionsStep{} }},
	stepCredentials: {"Credentials", func() step { return &credentialsStep{} }},
	stepEndpoints:   {"Endpoints", func() step { return &endpointsStep{} }},
	stepScopes:      {"Scopes", func() step { return &scopesStep{} }},
	stepSave:        {"Save & authenticate", func() step { return &saveStep{} }},
}

// newSteps makes a fresh screen for every step, indexed by stepID.
func newSteps() []step {
	steps := make([]step, stepCount)
	for id, entry := range stepTable {
		steps[id] = entry.make()
	}
	return steps
}

// number is the step as the admin sees it: "Step 7 of 12".
func (id stepID) number() int { return int(id) + 1 }

func (id stepID) title() string { return stepTable[id].title }

// stepNumbered is the step the admin knows as number n (a saved draft
// keeps that number on disk), kept inside the table.
func stepNumbered(n int) stepID { return max(stepStart, min(stepID(n-1), stepSave)) }

// firstProfileStep is where a profile's own steps begin, after the start
// screen, which chooses one.
const firstProfileStep = stepName

// consoleSteps are the steps that create the app in the Developer
// Console; an app that exists already has them done.
var consoleSteps = []stepID{stepConsole, stepCreate, stepAppName, stepEnable3LO}

// checkpointSteps are the steps with a box to tick once done in the
// console; a saved profile has them all done.
var checkpointSteps = append(slices.Clip(consoleSteps), stepRedirect)

// resumeAt is the step a draft saved on step saved resumes at: a new
// profile's secret never goes into the draft, so past Credentials it
// resumes there; and never past Scopes, since saving re-checks everything.
func resumeAt(saved stepID, isNew bool) stepID {
	at := max(firstProfileStep, min(saved, stepScopes))
	if isNew {
		at = min(at, stepCredentials)
	}
	return at
}

// fieldSteps is the step where each field of a profile is typed, to tell
// the admin where to fix a problem found on saving.
var fieldSteps = map[string]stepID{
	"Name":              stepName,
	"App name":          stepAppName,
	"Redirect URL":      stepRedirect,
	"Client ID":         stepCredentials,
	"Client secret":     stepCredentials,
	"Authorization URL": stepEndpoints,
	"Token URL":         stepEndpoints,
	"API base URL":      stepEndpoints,
	"Scopes":            stepScopes,
}
