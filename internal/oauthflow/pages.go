package oauthflow

import (
	"bytes"
	"html/template"
	"net/http"
	"sync"

	"github.com/authwiz/authwiz/internal/atlassian"
)

// page is what the browser shows after a request to the listener. Pages
// load nothing from anywhere and escape everything they echo.
type page struct {
	Status  int
	Title   string
	Message string
	Fix     string
	Detail  string
}

// pageTemplate is parsed at the first page, not at start-up: most runs
// of authwiz (a token for a script) never serve one.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>authwiz: {{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
pre{white-space:pre-wrap;background:#eee;padding:.5rem}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Message}}</p>{{if .Fix}}<p><strong>To fix it:</strong> {{.Fix}}</p>{{end}}{{if .Detail}}<pre>{{.Detail}}</pre>{{end}}</body></html>
`))
})

func (p page) write(w http.ResponseWriter) {
	var body bytes.Buffer
	if err := pageTemplate().Execute(&body, p); err != nil {
		http.Error(w, p.Title, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(p.Status)
	w.Write(body.Bytes())
}

func rejectionPage(r *rejection) page {
	return page{Status: r.status, Title: "This is not the answer authwiz is waiting for", Message: r.problem + ". " + r.fix + "."}
}

var (
	successPage = page{Status: http.StatusOK, Title: "authwiz received the consent",
		Message: "You can close this tab and go back to authwiz in your terminal."}
	overPage = page{Status: http.StatusGone, Title: "This sign-in attempt is over",
		Message: "authwiz is no longer waiting on this attempt. Go back to the terminal to see how it ended."}
)

// endPage is what the browser shows when the server's answer ends the
// attempt without a code. A refusal Atlassian describes in known words
// gets its cause and fix here too: the browser is where the admin looks.
func endPage(err error) page {
	p := page{Status: http.StatusOK, Title: "The sign-in did not complete",
		Message: "authwiz has stopped waiting. Go back to the terminal, which says what to do next."}
	e, ok := err.(*Error)
	if !ok {
		return p
	}
	p.Detail = e.Error()
	said := e.Detail
	if e.Kind == ErrDenied {
		// Atlassian's Cancel comes back with a code but often no words.
		said = "access_denied " + said
	}
	if d, ok := atlassian.Diagnose(said); ok {
		p.Message = "Atlassian stopped the consent. " + d.Cause + " authwiz has stopped waiting; the terminal says the same."
		p.Fix = d.Fix
	}
	return p
}
